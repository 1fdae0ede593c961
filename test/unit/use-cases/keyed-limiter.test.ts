import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from '../../../shared/use-cases/keyed-limiter.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('KeyedLimiter', () => {
  it('keeps at most `limit` tasks in flight per key, runs every task, and keys do not share slots', async () => {
    const limiter = new KeyedLimiter<string>(3);
    const peak: Record<string, number> = { a: 0, b: 0 };
    const now: Record<string, number> = { a: 0, b: 0 };
    const done: string[] = [];
    const task = (key: string, i: number) =>
      limiter.run(key, async () => {
        now[key]!++;
        peak[key] = Math.max(peak[key]!, now[key]!);
        for (let t = 0; t < 1 + (i % 4); t++) await tick();
        now[key]!--;
        done.push(`${key}${i}`);
        return i;
      });
    const results = await Promise.all([...Array.from({ length: 20 }, (_, i) => task('a', i)), ...Array.from({ length: 7 }, (_, i) => task('b', i))]);
    expect(results).toHaveLength(27);
    expect(done).toHaveLength(27);
    expect(peak).toEqual({ a: 3, b: 3 });
    expect(limiter.active('a')).toBe(0);
    expect(limiter.active('b')).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new KeyedLimiter<string>(1);
    await expect(limiter.run('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('x', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(limiter.active('x')).toBe(0);
  });

  it('refuses a limit that would block everything', () => {
    expect(() => new KeyedLimiter(0)).toThrow(RangeError);
  });
});
