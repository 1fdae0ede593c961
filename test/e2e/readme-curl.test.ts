import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { startTestRuntime } from '../helpers/local-api.js';

/**
 * The README's "Try it with curl" block, run line by line as written (only the address changed to this
 * runtime's): every command works and prints what its comment says, and it shows the issue's "done
 * when": log in, create a workspace, list its empty Connected Accounts, and a hub admin without the
 * context header gets 403 WORKSPACE_CONTEXT_REQUIRED. The connect keeps its sign-in cookie in a curl
 * jar, as a browser would: without it the callback would refuse (STATE_INVALID).
 */
const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');
const hasTools = ['curl', 'jq', 'bash'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

function curlBlock(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Try it with curl'));
  const m = /```bash\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('README has no curl block under "Try it with curl"');
  return m[1];
}

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

describe.skipIf(!hasTools)('README: Try it with curl', { timeout: 60_000 }, () => {
  it('runs as written, each command printing what its comment says', async () => {
    const block = curlBlock();
    expect(block).toContain('B=http://127.0.0.1:3000\n');
    // The sign-in is bound to the client that started it: the start keeps the cookie, the callback sends it.
    expect(block).toMatch(/curl -s -c \$J -XPOST \$B\/workspaces\/\$WS\/connections /);
    expect(block).toMatch(/curl -s -b \$J -c \$J .*consent=allow/);
    // Each command's output on its own line, tagged with the command's comment, so it can be checked.
    const lines = block.replace('B=http://127.0.0.1:3000\n', `B=${rt.url}\n`).split('\n');
    const script = lines
      .map((line) => {
        const m = /\s#\s(.*)$/.exec(line);
        const comment = m?.[1];
        if (line.startsWith('#') || !m || !comment || /^[A-Z]+=\$\(/.test(line)) return line;
        return `echo "<<< ${comment.replaceAll('"', '\\"').replaceAll('$', '\\$').replaceAll('`', '\\`')}"; ${line.slice(0, m.index)}; echo`;
      })
      .join('\n');
    // Not execFileSync: the runtime answering curl lives in this process.
    const { stdout: out } = await promisify(execFile)('bash', ['-c', `set -eo pipefail\n${script}`], { encoding: 'utf8', timeout: 50_000 });
    if (process.env.DEBUG_README) console.log(out);
    const printed = (comment: string): string => {
      const at = out.indexOf(`<<< ${comment}\n`);
      expect(at, `the command commented "${comment}" ran`).toBeGreaterThanOrEqual(0);
      const rest = out.slice(at + comment.length + 5);
      return rest.slice(0, rest.indexOf('\n'));
    };

    expect(JSON.parse(printed('{"connections":[]}'))).toEqual({ connections: [] });
    expect(out).toMatch(/\/app\/\?result=connected&connectionId=[^&\s]+&platform=linkedin/);
    expect(JSON.parse(printed('{"checked":1,"expired":1,...}'))).toMatchObject({ checked: 1, expired: 1 });
    expect(JSON.parse(printed('status expired, badge red'))).toMatchObject({ connections: [{ status: 'expired', badge: 'red', platform: 'linkedin' }] });
    const outbox = JSON.parse(printed('the email SES would have sent')) as { emails: { to: string; subject: string }[] };
    expect(outbox.emails.map((e) => e.to)).toEqual(['ana@example.com']);
    expect(JSON.parse(printed('403 FORBIDDEN (not in a hub yet)'))).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(printed('204: the owner puts it in the hub')).toBe('204');
    expect(JSON.parse(printed('403 WORKSPACE_CONTEXT_REQUIRED'))).toMatchObject({ error: { code: 'WORKSPACE_CONTEXT_REQUIRED' } });
    expect(JSON.parse(printed('200, the connections'))).toMatchObject({ connections: [{ status: 'expired', platform: 'linkedin' }] });
  });
});
