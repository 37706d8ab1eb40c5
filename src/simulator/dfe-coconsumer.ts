// Co-consumer fault (dfe-distribution.md §5.1, §10): another system querying the same CNPJ takes NSUs
// away from the gateway by moving the position the Ambiente Nacional keeps per CNPJ. Its calls are
// dated more than an hour back (the integraNotas case: the accountant at 09:00, the gateway at 10:20),
// so the gateway's next distNSU is not out of sequence but sees the ultNSU jump. `advance` does it on
// demand; `arm` makes it happen at random before the gateway's distNSU calls for that CNPJ, from a
// seeded generator so a run can be repeated.
import type { DfeFamily, DfeLists } from './dfe-lists';

export interface CoConsumerSpec {
  tpAmb: string;
  family: DfeFamily;
  doc: string;
  /** Chance (0–1) that it runs before each distNSU of the gateway. */
  probability: number;
  /** It takes 1..maxStep NSUs each time. */
  maxStep: number;
  seed?: number;
}

/** When the co-consumer's calls are dated: just over one hold (an hour) before now. */
export function coConsumerInstant(nowMs: number, holdMs: number): number {
  return nowMs - holdMs - 1;
}

function key(tpAmb: string, family: DfeFamily, doc: string): string {
  return `${tpAmb}:${family}:${doc}`;
}

export class CoConsumer {
  private readonly armed = new Map<string, CoConsumerSpec & { state: number }>();

  /**
   * Moves the shared position `n` NSUs forward (not past maxNSU), as a call made at `atMs` (give one
   * more than an hour back); returns the NSUs taken.
   */
  advance(lists: DfeLists, tpAmb: string, family: DfeFamily, doc: string, n: number, atMs: number): number {
    const maxNSU = lists.list(tpAmb, family, doc).length;
    const c = lists.consumer(tpAmb, family, doc);
    const from = c.lastUltNSU ?? 0;
    const to = Math.min(maxNSU, from + Math.max(0, Math.floor(n)));
    if (to === from) return 0;
    lists.setConsumer(tpAmb, family, doc, { ...c, lastUltNSU: to, lastDistAtMs: atMs });
    return to - from;
  }

  arm(spec: CoConsumerSpec): void {
    this.armed.set(key(spec.tpAmb, spec.family, spec.doc), { ...spec, state: (spec.seed ?? 1) >>> 0 || 1 });
  }

  disarm(tpAmb: string, family: DfeFamily, doc: string): void {
    this.armed.delete(key(tpAmb, family, doc));
  }

  clear(): void {
    this.armed.clear();
  }

  /** Called before each distNSU: maybe takes some NSUs (dated `atMs`, as advance). */
  beforeDistNsu(lists: DfeLists, tpAmb: string, family: DfeFamily, doc: string, atMs: number): void {
    const spec = this.armed.get(key(tpAmb, family, doc));
    if (!spec) return;
    if (this.next(spec) >= spec.probability) return;
    this.advance(lists, tpAmb, family, doc, 1 + Math.floor(this.next(spec) * spec.maxStep), atMs);
  }

  /** xorshift32 in [0, 1). */
  private next(spec: { state: number }): number {
    let x = spec.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    spec.state = x >>> 0;
    return spec.state / 0x1_0000_0000;
  }
}
