// Rows read on every SOAP call (the partner, the company, its access key and certificate, the
// contingency state) change only through a few store writes, or from another process such as the CLI
// on the same database file. They are kept between calls for as long as nothing can have changed them:
// SQLite's `PRAGMA data_version` moves whenever another connection commits, and this store's own
// writes to those tables drop everything. A database that cannot tell (SQL Server, which several
// gateways may share) is read through every time.

/** Cached values are shared by every caller: frozen, so a caller that changes one fails loudly. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class ReadCache {
  readonly #entries = new Map<string, unknown>();
  /** Moves at the start and the end of every write of this store to the cached tables. */
  #generation = 0;
  #seenCounter: number | undefined;

  /**
   * `changeCounter`: a number that changes when another connection commits (undefined: the database
   * cannot tell, and nothing is cached). `maxEntries` bounds memory; past it the oldest entry goes.
   */
  constructor(private readonly changeCounter: (() => number) | undefined, private readonly maxEntries = 1024) {}

  /** The cached value of key, else what load returns (kept when defined and nothing was written meanwhile). */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.changeCounter) return load();
    const counter = this.changeCounter();
    if (counter !== this.#seenCounter) {
      this.#entries.clear();
      this.#seenCounter = counter;
    }
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const generation = this.#generation;
    const value = await load();
    // A write that began meanwhile may have changed the row after it was read: not kept. Another
    // connection's commit meanwhile moves the counter, so the next get drops this entry.
    if (value !== undefined && generation === this.#generation) {
      if (this.#entries.size >= this.maxEntries) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
      this.#entries.set(key, deepFreeze(value));
    }
    return value;
  }

  /** Runs a write to the cached tables: nothing read before it ends is kept. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    this.#drop();
    try {
      return await fn();
    } finally {
      this.#drop();
    }
  }

  #drop(): void {
    this.#generation += 1;
    this.#entries.clear();
  }
}
