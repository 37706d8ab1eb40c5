// The detached XML (see mapping.ts) this store last wrote or read for recently changed rows. A document's
// XML read (getDocumentXml) and an event's or inutilização's update read-back do not read again what is
// held here: a one-item NF-e reads back none of the 6–14 KB of XML the store has just written (its
// signed XML to build the nfeProc, the nfeProc for the reply; measured when read-backs carried XML:
// ~40 → ~15 µs per read-back, ~37 KB less garbage per NF-e). Like the read cache it trusts itself only
// while SQLite's data_version shows no commit of another connection; a database that cannot tell (SQL
// Server) reads everything.
export type XmlValues = Record<string, string | null>;

export class XmlMemo {
  readonly #entries = new Map<string, XmlValues>();
  #seenCounter: number | undefined;

  constructor(private readonly changeCounter: (() => number) | undefined, private readonly maxEntries = 256) {
    this.#seenCounter = changeCounter?.();
  }

  /** The XML fields known for key (a value or null for "none"); fields not known are absent. */
  known(key: string): XmlValues {
    if (!this.changeCounter) return {};
    const counter = this.changeCounter();
    if (counter !== this.#seenCounter) {
      this.#entries.clear();
      this.#seenCounter = counter;
    }
    return this.#entries.get(key) ?? {};
  }

  /** Records what the running transaction wrote or read for key (forget it if that transaction fails). */
  note(key: string, values: XmlValues): void {
    if (!this.changeCounter) return;
    const entry = { ...this.#entries.get(key), ...values };
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
