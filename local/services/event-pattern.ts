/**
 * A subset of EventBridge event-pattern matching, pure and dependency-free:
 * - a field whose pattern is an array matches when the event's value (or, for an array value, any of
 *   its elements) equals one of the array's exact values (string, number, boolean, null) or matches one
 *   of its filters: `{prefix: "..."}`, `{"anything-but": value | value[] | {prefix}}`, `{exists: bool}`;
 * - a field whose pattern is an object matches the event's nested object recursively;
 * - every field of the pattern must match (AND); fields the pattern does not name are ignored.
 * Anything else in a pattern (numeric, wildcard, $or, ...) is rejected rather than silently mis-matched.
 */
export type PatternScalar = string | number | boolean | null;
export type PatternFilter =
  | { prefix: string }
  | { 'anything-but': PatternScalar | PatternScalar[] | { prefix: string } }
  | { exists: boolean };
export type PatternValue = PatternScalar | PatternFilter;
export interface EventPattern {
  [field: string]: readonly PatternValue[] | EventPattern;
}

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  for (const [field, rule] of Object.entries(pattern)) {
    const present = Object.prototype.hasOwnProperty.call(event, field);
    const value = present ? event[field] : undefined;
    if (Array.isArray(rule)) {
      if (!matchesField(rule as readonly PatternValue[], present, value)) return false;
    } else if (isObject(rule)) {
      if (!present || !matchesPattern(rule as EventPattern, value)) return false;
    } else {
      throw new TypeError(`event pattern field "${field}" must be an array or an object`);
    }
  }
  return true;
}

function matchesField(alternatives: readonly PatternValue[], present: boolean, value: unknown): boolean {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return alternatives.some((alt) => {
    if (isObject(alt) && 'exists' in alt) return alt.exists === present;
    if (!present) return false;
    return values.some((v) => matchesOne(alt, v));
  });
}

function matchesOne(alt: PatternValue, v: unknown): boolean {
  if (!isObject(alt)) return alt === v;
  if ('prefix' in alt) return typeof alt.prefix === 'string' && typeof v === 'string' && v.startsWith(alt.prefix);
  if ('anything-but' in alt) {
    const but = alt['anything-but'];
    if (isObject(but)) {
      if (typeof but.prefix !== 'string') throw new TypeError('unsupported anything-but filter');
      return typeof v === 'string' && !v.startsWith(but.prefix);
    }
    return !(Array.isArray(but) ? but : [but]).some((b) => b === v);
  }
  throw new TypeError(`unsupported event pattern filter ${JSON.stringify(alt)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
