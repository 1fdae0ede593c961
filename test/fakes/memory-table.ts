/**
 * What the in-memory store fakes share with DynamoDB's behaviour: items are copied in and out (a
 * caller never holds the stored object, and `undefined` fields vanish, as removeUndefinedValues
 * does), a failed condition is a ConditionalCheckFailedException, and pages resume after the last
 * sort key read (a cursor survives writes in between, like LastEvaluatedKey).
 */

/** A copy as DynamoDB would hand it back: no shared references, no undefined attributes. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The error the SDK throws when a ConditionExpression is false (the adapters test `name`). */
export function conditionFailed(): Error {
  const e = new Error('The conditional request failed');
  e.name = 'ConditionalCheckFailedException';
  return e;
}

/** One page of `rows` sorted by `sortKey`, after `cursor` (the last sort key of the previous page). */
export function page<T>(rows: T[], sortKey: (row: T) => string, cursor: string | undefined, limit: number, descending = false): { items: T[]; cursor?: string } {
  const sorted = [...rows].sort((a, b) => (descending ? sortKey(b).localeCompare(sortKey(a)) : sortKey(a).localeCompare(sortKey(b))));
  const after = cursor === undefined ? sorted : sorted.filter((r) => (descending ? sortKey(r) < cursor : sortKey(r) > cursor));
  const items = after.slice(0, limit);
  const last = items[items.length - 1];
  // DynamoDB returns LastEvaluatedKey whenever it stopped at Limit, even if nothing follows.
  return { items, ...(items.length === limit && last !== undefined ? { cursor: sortKey(last) } : {}) };
}

/**
 * A keyed collection of stored items. `beforeWrite` lets a test run another writer between a
 * use case's read and its conditional write (a lost race), once.
 */
export class Rows<T> {
  private readonly items = new Map<string, T>();
  private interleaved: (() => void) | undefined;

  get(key: string): T | undefined {
    const item = this.items.get(key);
    return item === undefined ? undefined : copy(item);
  }

  all(): T[] {
    return [...this.items.values()].map((i) => copy(i));
  }

  /** Writes when `condition` holds for the stored item (undefined: none stored); false otherwise. */
  put(key: string, item: T, condition?: (stored: T | undefined) => boolean): boolean {
    this.runInterleaved();
    if (condition && !condition(this.items.get(key))) return false;
    this.items.set(key, copy(item));
    return true;
  }

  /** Changes the stored item in place when it exists and `condition` holds; false otherwise. */
  update(key: string, change: (stored: T) => T, condition: (stored: T) => boolean = () => true): boolean {
    this.runInterleaved();
    const stored = this.items.get(key);
    if (stored === undefined || !condition(stored)) return false;
    this.items.set(key, copy(change(copy(stored))));
    return true;
  }

  delete(key: string, condition: (stored: T) => boolean = () => true): boolean {
    this.runInterleaved();
    const stored = this.items.get(key);
    if (stored === undefined || !condition(stored)) return false;
    this.items.delete(key);
    return true;
  }

  /** Runs `writer` just before the next write of this collection (it writes first and wins). */
  beforeNextWrite(writer: () => void): void {
    this.interleaved = writer;
  }

  private runInterleaved(): void {
    const w = this.interleaved;
    this.interleaved = undefined;
    w?.();
  }
}
