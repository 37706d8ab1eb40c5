// The Ambiente Nacional's DF-e distribution books (dfe-distribution.md §5, §10), in memory: one
// append-only NSU list per (tpAmb, family, CNPJ(14)/CPF) — NSU n is entry n-1, generated without gaps
// in order of reception — the shared consumer position of each list, the parties of every NF-e and
// CT-e fed (who may ask for it by key, whether the destinatário has manifested) and the last query
// per CNPJ base / CPF (the optional 60-day activity rule). An entry keeps only what it needs to be
// written at answer time (the documents store already holds the XML of an authorised NF-e), so
// tens of thousands of seeded documents stay cheap; gzip happens when an answer is built.
import type { DfeConsumer } from './dfe-rules';

/** NF-e (NFeDistribuicaoDFe) or CT-e (CTeDistribuicaoDFe): separate NSU sequences. */
export type DfeFamily = 'nfe' | 'cte';

export interface DfeEntry {
  /** docZip/@schema, e.g. resNFe_v1.01.xsd. */
  schema: string;
  receivedAtMs: number;
  /** Key of the NF-e/CT-e the document is about (consChNFe, admin views). */
  chave?: string;
  /** The document's XML, written when the answer needs it. */
  render: () => string;
}

/** Who is related to one NF-e/CT-e (consChNFe 640/641, the events' recipients, the manifestação). */
export interface DfeParties {
  family: DfeFamily;
  emitter: string;
  /** NF-e destinatário (gets the resNFe until it manifests). */
  dest?: string;
  /** Parties that get the full document at once (NF-e transportador/autXML; every CT-e party). */
  full: string[];
  /** The destinatário manifested ciência/confirmação/operação não realizada: the full NF-e went to it. */
  released: boolean;
}

function listKey(tpAmb: string, family: DfeFamily, doc: string): string {
  return `${tpAmb}:${family}:${doc}`;
}

export class DfeLists {
  private readonly lists = new Map<string, DfeEntry[]>();
  private readonly consumers = new Map<string, DfeConsumer>();
  private readonly parties = new Map<string, DfeParties>();
  private readonly activity = new Map<string, number>();

  /** Appends to the party's list; returns the NSU given. */
  append(tpAmb: string, family: DfeFamily, doc: string, entry: DfeEntry): number {
    const key = listKey(tpAmb, family, doc);
    let list = this.lists.get(key);
    if (!list) {
      list = [];
      this.lists.set(key, list);
    }
    list.push(entry);
    return list.length;
  }

  /** The list of a party (empty when it has none); NSU n is index n-1. */
  list(tpAmb: string, family: DfeFamily, doc: string): readonly DfeEntry[] {
    return this.lists.get(listKey(tpAmb, family, doc)) ?? [];
  }

  consumer(tpAmb: string, family: DfeFamily, doc: string): DfeConsumer {
    return this.consumers.get(listKey(tpAmb, family, doc)) ?? { keyQueries: [] };
  }

  setConsumer(tpAmb: string, family: DfeFamily, doc: string, state: DfeConsumer): void {
    this.consumers.set(listKey(tpAmb, family, doc), state);
  }

  setParties(tpAmb: string, chave: string, p: DfeParties): void {
    this.parties.set(`${tpAmb}:${chave}`, p);
  }

  partiesOf(tpAmb: string, chave: string): DfeParties | undefined {
    return this.parties.get(`${tpAmb}:${chave}`);
  }

  /** A query by this CNPJ base / CPF at `atMs` (activity, dfe-distribution.md §5). */
  touch(base: string, atMs: number): void {
    this.activity.set(base, atMs);
  }

  lastActivity(base: string): number | undefined {
    return this.activity.get(base);
  }
}
