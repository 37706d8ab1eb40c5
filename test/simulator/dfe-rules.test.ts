// The distribution rules of the simulator, pure (dfe-distribution.md §4–6, §10): distNSU's order
// (block, 589, the hour after "nothing more", the sequence rule, the quiet-hour resync), consNSU,
// the rolling key-query limit with configurable thresholds, and consChNFe's refusals.
import { admitKeyQuery, consChaveRefusal, decideConsNsu, decideDistNsu, DEFAULT_DFE_LIMITS, MOTIVO, type DfeConsumer, type ListFacts } from '../../src/simulator/dfe-rules';

const H = 3_600_000;
const T = 10_000 * H;
const L = DEFAULT_DFE_LIMITS;

/** A list of `max` NSUs, those listed in `old` received long ago (past retention). */
function list(max: number, old: number[] = []): ListFacts {
  const at = (n: number) => (old.includes(n) ? 0 : T);
  return {
    maxNSU: max,
    after: (u, since, limit) => Array.from({ length: Math.max(0, max - u) }, (_, i) => u + 1 + i).filter((n) => at(n) >= since).slice(0, limit),
    available: (n, since) => n <= max && at(n) >= since,
  };
}

const fresh: DfeConsumer = { keyQueries: [] };

describe('decideDistNsu', () => {
  it.each<[string, DfeConsumer, number, ListFacts, object, Partial<DfeConsumer>]>([
    ['first call, 120 NSUs: 50 of them', fresh, 0, list(120), { cStat: '138', ultNSU: 50, maxNSU: 120 }, { lastUltNSU: 50, lastDistAtMs: T, nothingUntilMs: undefined }],
    ['caught up: 138 and the hour starts', { ...fresh, lastUltNSU: 100, lastDistAtMs: T - 1 }, 100, list(120), { cStat: '138', ultNSU: 120 }, { nothingUntilMs: T + H }],
    ['nothing after u: 137, ultNSU = maxNSU', { ...fresh, lastUltNSU: 9, lastDistAtMs: T - 2 * H }, 9, list(9), { cStat: '137', ultNSU: 9, maxNSU: 9 }, { nothingUntilMs: T + H }],
    ['expired NSUs skipped', fresh, 0, list(5, [1, 2, 3]), { cStat: '138', nsus: [4, 5], ultNSU: 5 }, {}],
    ['all expired: 137 at maxNSU', fresh, 0, list(3, [1, 2, 3]), { cStat: '137', ultNSU: 3 }, { lastUltNSU: 3 }],
    ['past maxNSU: 589, nothing recorded', fresh, 6, list(5), { cStat: '589', maxNSU: 5 }, { lastDistAtMs: undefined }],
    ['within the hour after nothing more: 656 wait', { ...fresh, lastUltNSU: 5, nothingUntilMs: T + 1 }, 5, list(5), { cStat: '656', xMotivo: MOTIVO.wait, ultNSU: 5 }, { blockUntilMs: T + H }],
    ['out of sequence within the hour: 656', { ...fresh, lastUltNSU: 50, lastDistAtMs: T - H + 1 }, 0, list(120), { cStat: '656', xMotivo: MOTIVO.sequence, ultNSU: 50 }, { blockReason: MOTIVO.sequence }],
    ['out of sequence after a quiet hour: 137 at the position', { ...fresh, lastUltNSU: 50, lastDistAtMs: T - H }, 7, list(120), { cStat: '137', ultNSU: 50, maxNSU: 120 }, { lastUltNSU: 50, nothingUntilMs: undefined }],
    ['during a block: 656 again, restarted', { ...fresh, lastUltNSU: 4, blockUntilMs: T + 10, blockReason: MOTIVO.limit(20) }, 4, list(9), { cStat: '656', xMotivo: MOTIVO.limit(20), ultNSU: 4 }, { blockUntilMs: T + H }],
  ])('%s', (_, consumer, u, facts, answer, next) => {
    const d = decideDistNsu(consumer, u, facts, T, L);
    expect(d.answer).toMatchObject(answer);
    for (const [k, v] of Object.entries(next)) expect([k, d.next[k as keyof DfeConsumer]]).toEqual([k, v]);
  });

  it('thresholds are configurable', () => {
    const d = decideDistNsu(fresh, 0, list(30), T, { ...L, maxDocuments: 10, holdMs: 60_000 });
    expect(d.answer).toMatchObject({ cStat: '138', ultNSU: 10 });
    expect(decideDistNsu({ ...fresh, lastUltNSU: 30 }, 30, list(30), T, { ...L, holdMs: 60_000 }).next.nothingUntilMs).toBe(T + 60_000);
  });
});

describe('key queries', () => {
  it('the configured number per rolling hour passes; the next one is 656 and blocks; older ones leave the window', () => {
    const limits = { ...L, keyQueriesPerHour: 3 };
    let c: DfeConsumer = { keyQueries: [T - H - 1] };
    for (let i = 0; i < 3; i++) {
      const a = admitKeyQuery(c, T + i, limits);
      expect('answer' in a).toBe(false);
      c = a.next;
    }
    const over = admitKeyQuery(c, T + 3, limits);
    expect(over).toMatchObject({ answer: { cStat: '656', xMotivo: 'Rejeicao: Consumo Indevido (Ultrapassou o limite de 3 consultas por hora)' }, next: { blockUntilMs: T + 3 + H } });
    expect('answer' in over && 'ultNSU' in over.answer).toBe(false);
  });

  it.each<[number, object]>([
    [7, { cStat: '138', nsus: [7], ultNSU: 7, maxNSU: 9 }],
    [2, { cStat: '137', ultNSU: 2 }],
    [10, { cStat: '589', maxNSU: 9 }],
  ])('consNSU %d', (n, answer) => {
    expect(decideConsNsu(n, list(9, [2]), T, L)).toMatchObject(answer);
  });

  it.each<[string, Parameters<typeof consChaveRefusal>[0], string | undefined]>([
    ['unknown', { exists: false, isEmitter: false, related: false }, '217'],
    ['emitter', { exists: true, status: 'authorized', authorizedAtMs: T, isEmitter: true, related: false }, '641'],
    ['unrelated', { exists: true, status: 'authorized', authorizedAtMs: T, isEmitter: false, related: false }, '640'],
    ['past 90 days', { exists: true, status: 'authorized', authorizedAtMs: T - 91 * 24 * H, isEmitter: false, related: true }, '632'],
    ['cancelled', { exists: true, status: 'cancelled', authorizedAtMs: T, isEmitter: false, related: true }, '653'],
    ['denied', { exists: true, status: 'denied', authorizedAtMs: T, isEmitter: false, related: true }, '654'],
    ['delivered', { exists: true, status: 'authorized', authorizedAtMs: T, isEmitter: false, related: true }, undefined],
  ])('consChNFe %s', (_, facts, cStat) => {
    expect(consChaveRefusal(facts, T, L)).toBe(cStat);
  });
});
