/**
 * Which media addresses a post may carry. The platforms fetch the media themselves, and the sandbox
 * and any future proxy would fetch it from inside our network, so only https on a public host is
 * accepted: no other scheme (javascript:, file:, data:, http:), no credentials in the address, no
 * loopback / private / link-local / metadata address, no `localhost` or internal-only names.
 * `allowedOrigins` (configuration) lists exact origins accepted besides: the local runtime allows its
 * own, so the sandbox's media works on 127.0.0.1, and nothing else.
 */

const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

function ipv4Parts(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** Not reachable as a public internet address (RFC 6890 special-purpose blocks that matter here). */
function isNonPublicIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata (169.254.169.254)
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments, 192.0.0.0/24 (and 192.0.2.0/24 docs below)
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a! >= 224 // multicast, reserved, broadcast
  );
}

/**
 * IPv6 literals: only global unicast (2000::/3) is public; loopback, unspecified, IPv4-mapped
 * (::ffff:a.b.c.d), NAT64, unique-local, link-local and multicast all fall outside it.
 */
function isNonPublicIpv6(host: string): boolean {
  const first = parseInt(host.replace(/^\[/, '').split(':')[0] || '0', 16);
  return !(first >= 0x2000 && first <= 0x3fff);
}

/** Why this media address is refused, or undefined when it is acceptable. */
export function mediaUrlProblem(value: string, allowedOrigins: readonly string[] = []): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'mediaUrl is not a valid address.';
  }
  if (allowedOrigins.includes(url.origin) && !url.username && !url.password) return undefined;
  if (url.protocol !== 'https:') return 'mediaUrl must be an https:// address of a public host.';
  if (url.username || url.password) return 'mediaUrl must not contain a user name or password.';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[')) return isNonPublicIpv6(host) ? 'mediaUrl must point to a public host, not a private, loopback or link-local address.' : undefined;
  const v4 = ipv4Parts(host);
  if (v4) return isNonPublicIpv4(v4) ? 'mediaUrl must point to a public host, not a private, loopback or link-local address.' : undefined;
  if (host === 'localhost' || !host.includes('.') || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return 'mediaUrl must point to a public host (a full domain name), not localhost or an internal name.';
  }
  return undefined;
}
