import type { IdGenerator } from '../../shared/ports/misc.js';

/** Readable, predictable ids: `id-1`, `id-2`, ... */
export class FakeIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = 'id') {}
  newId(): string {
    this.n += 1;
    return `${this.prefix}-${this.n}`;
  }
}
