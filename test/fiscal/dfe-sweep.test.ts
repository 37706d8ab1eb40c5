// The single-consumer distribution rules (src/fiscal/dfe-sweep.ts), table-driven: dfe-distribution.md
// §8.2 (sweep) and §8.3 (gap filling), with the 656 rules of §6.
import {
  DEFAULT_DFE_POLICY, decideGapStep, decideSweepStep, gapsBetween, initialDfeState, isExpired, keyQueryGate, pad15, recordCall,
  sweepGate, backlogAtRisk, type DfeState, type DistOutcome,
} from '../../src/fiscal/dfe-sweep';

const NOW = new Date('2026-06-01T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const P = DEFAULT_DFE_POLICY;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const HOLD = at(HOUR + P.marginMs);

function state(over: Partial<DfeState> = {}): DfeState {
  return { ...initialDfeState(), ...over };
}
const n = (v: number) => pad15(v);
const docs = (...nsus: number[]) => nsus.map((v) => ({ NSU: n(v), xml: `<doc n="${v}"/>` }));
function answer(cStat: string, ult?: number, max?: number, documents: { NSU?: string; xml: string }[] = []): DistOutcome & { documents: { NSU?: string; xml: string }[] } {
  return { kind: 'answer', cStat, xMotivo: `motivo ${cStat}`, ultNSU: ult === undefined ? undefined : n(ult), maxNSU: max === undefined ? undefined : n(max), documents };
}
const r = (from: number, to: number) => ({ from: n(from), to: n(to) });

describe('gapsBetween', () => {
  test.each([
    [0, 5, [1, 2, 3, 4, 5], []],
    [0, 5, [], [r(1, 5)]],
    [10, 15, [11, 13, 15], [r(12, 12), r(14, 14)]],
    [10, 15, [14], [r(11, 13), r(15, 15)]],
    [10, 10, [], []],
    [10, 15, [3, 20, 12, 12], [r(11, 11), r(13, 15)]], // outside the span ignored, duplicates once
  ])('(%d, %d] minus %j → %j', (after, upTo, delivered, expected) => {
    expect(gapsBetween(after, upTo, delivered)).toEqual(expected);
  });
});

describe('sweep step (§8.2)', () => {
  type Row = [string, Partial<DfeState>, ReturnType<typeof answer>, boolean, Partial<ReturnType<typeof decideSweepStep>>];
  const rows: Row[] = [
    ['138 contiguous, behind: store, advance, continue',
      { ultNSU: n(100), maxNSU: n(90) }, answer('138', 103, 200, docs(101, 102, 103)), false,
      { next: 'continue', missing: [], state: expect.objectContaining({ ultNSU: n(103), maxNSU: n(200), holdUntil: null }) as DfeState }],
    ['138 reaching maxNSU: hold one hour + margin',
      { ultNSU: n(100) }, answer('138', 102, 102, docs(101, 102)), false,
      { next: 'stop', stopReason: 'caught-up', missing: [], state: expect.objectContaining({ ultNSU: n(102), maxNSU: n(102), holdUntil: HOLD }) as DfeState }],
    ['138 with a hole inside the answer: the hole is missing, no concurrent consumer',
      { ultNSU: n(100) }, answer('138', 105, 300, docs(101, 103, 105)), false,
      { next: 'continue', missing: [r(102, 102), r(104, 104)], concurrentJump: undefined }],
    ['138 after a co-consumer jump (integraNotas: stored 2002, AN hands 2113): 2003–2112 missing, jump logged',
      { ultNSU: n(2002) }, answer('138', 2113, 2113, docs(2113)), false,
      { next: 'stop', stopReason: 'caught-up', missing: [r(2003, 2112)], concurrentJump: { ...r(2003, 2112), count: 110 } }],
    ['138 on a first sweep: NSUs before the first one handed out are an initial skip, not missing',
      { ultNSU: n(0) }, answer('138', 6811, 6991, docs(6762, 6800, 6811)), false,
      { next: 'continue', initialSkip: r(1, 6761), missing: [r(6763, 6799), r(6801, 6810)], concurrentJump: undefined }],
    ['138 without ultNSU/maxNSU: position from the documents, then hold',
      { ultNSU: n(10) }, answer('138', undefined, undefined, docs(11, 12)), false,
      { next: 'stop', stopReason: 'caught-up', state: expect.objectContaining({ ultNSU: n(12), holdUntil: HOLD }) as DfeState }],
    ['137 at the end: hold, nothing missing',
      { ultNSU: n(50), maxNSU: n(50) }, answer('137', 50, 50), false,
      { next: 'stop', stopReason: 'caught-up', missing: [], state: expect.objectContaining({ ultNSU: n(50), holdUntil: HOLD }) as DfeState }],
    ['137 without fields: hold',
      { ultNSU: n(50) }, answer('137'), false,
      { next: 'stop', stopReason: 'caught-up', state: expect.objectContaining({ ultNSU: n(50), holdUntil: HOLD }) as DfeState }],
    ['137 jumping with ultNSU < maxNSU (article: 2112 of 2113): missing, follow at once',
      { ultNSU: n(2099) }, answer('137', 2112, 2113), false,
      { next: 'continue', behindFollowUp: true, missing: [r(2100, 2112)], concurrentJump: { ...r(2100, 2112), count: 13 },
        state: expect.objectContaining({ ultNSU: n(2112), maxNSU: n(2113), holdUntil: null }) as DfeState }],
    ['137 behind with continueWhenBehind off: hold',
      { ultNSU: n(2099), continueWhenBehind: false }, answer('137', 2112, 2113), false,
      { next: 'stop', stopReason: 'caught-up', missing: [r(2100, 2112)], state: expect.objectContaining({ holdUntil: HOLD }) as DfeState }],
    ['137 on a first sweep after another system consumed up to 1020: initial skip, nothing missing, hold',
      { ultNSU: n(0) }, answer('137', 1020, 1020), false,
      { next: 'stop', missing: [], initialSkip: r(1, 1020), state: expect.objectContaining({ ultNSU: n(1020), holdUntil: HOLD }) as DfeState }],
    ['656 with a higher ultNSU: block, resume from it, the jumped NSUs missing',
      { ultNSU: n(300) }, answer('656', 320, 0), false,
      { next: 'stop', stopReason: 'blocked', missing: [r(301, 320)], concurrentJump: { ...r(301, 320), count: 20 },
        state: expect.objectContaining({ ultNSU: n(320), maxNSU: n(0), blockedUntil: HOLD, holdUntil: null }) as DfeState }],
    ['656 with our own ultNSU: block only (maxNSU 0 ignored)',
      { ultNSU: n(300), maxNSU: n(310) }, answer('656', 300, 0), false,
      { next: 'stop', stopReason: 'blocked', missing: [], state: expect.objectContaining({ ultNSU: n(300), maxNSU: n(310), blockedUntil: HOLD }) as DfeState }],
    ['656 on a follow-up of an empty answer: continueWhenBehind switched off',
      { ultNSU: n(2112) }, answer('656', 2112, 0), true,
      { next: 'stop', stopReason: 'blocked', state: expect.objectContaining({ continueWhenBehind: false, blockedUntil: HOLD }) as DfeState }],
    ['589: resynchronise to maxNSU',
      { ultNSU: n(900) }, answer('589', undefined, 800), false,
      { next: 'stop', stopReason: 'resync', missing: [], state: expect.objectContaining({ ultNSU: n(800), maxNSU: n(800) }) as DfeState }],
    ['108: first back-off',
      { ultNSU: n(5) }, answer('108'), false,
      { next: 'stop', stopReason: 'backoff', state: expect.objectContaining({ ultNSU: n(5), backoffMs: P.backoffMinMs, backoffUntil: at(P.backoffMinMs) }) as DfeState }],
    ['109 after a back-off: doubles',
      { backoffMs: P.backoffMinMs }, answer('109'), false,
      { next: 'stop', stopReason: 'backoff', state: expect.objectContaining({ backoffMs: 2 * P.backoffMinMs }) as DfeState }],
    ['back-off never passes its maximum',
      { backoffMs: P.backoffMaxMs }, answer('108'), false,
      { state: expect.objectContaining({ backoffMs: P.backoffMaxMs }) as DfeState }],
    ['593 (certificate of another CNPJ base): back off, alert',
      {}, answer('593'), false,
      { next: 'stop', stopReason: 'backoff', alert: expect.stringContaining('593') as string }],
    ['an answer after a back-off resets it',
      { ultNSU: n(1), backoffMs: 4 * HOUR, backoffUntil: at(-1) }, answer('137', 1, 1), false,
      { state: expect.objectContaining({ backoffMs: 0, backoffUntil: null }) as DfeState }],
  ];
  test.each(rows)('%s', (_name, given, outcome, followUp, expected) => {
    expect(decideSweepStep(state(given), outcome, NOW, P, followUp)).toMatchObject(expected);
  });

  it('a transport failure backs off and keeps the position', () => {
    const d = decideSweepStep(state({ ultNSU: n(7) }), { kind: 'transport', error: 'ECONNRESET' }, NOW, P, false);
    expect(d).toMatchObject({ next: 'stop', stopReason: 'backoff', missing: [], store: [] });
    expect(d.state).toMatchObject({ ultNSU: n(7), backoffUntil: at(P.backoffMinMs) });
  });

  it('stores the documents in ascending NSU order and tells the operator what to do about a jump', () => {
    const d = decideSweepStep(state({ ultNSU: n(10) }), answer('138', 30, 40, docs(30, 25, 28)), NOW, P, false);
    expect(d.store.map((x) => x.NSU)).toEqual([n(25), n(28), n(30)]);
    expect(d.missing).toEqual([r(11, 24), r(26, 27), r(29, 29)]);
    expect(d.alert).toMatch(/saltou de 000000000000010 para 000000000000024 \(14 NSU/);
    expect(d.alert).toMatch(/Nenhum outro sistema/);
  });

  it('never moves the position back when the AN answers a lower ultNSU', () => {
    const d = decideSweepStep(state({ ultNSU: n(500) }), answer('138', 400, 600, []), NOW, P, false);
    expect(d.state.ultNSU).toBe(n(500));
    expect(d.missing).toEqual([]);
  });
});

describe('gates: holds, blocks, back-off and the hourly caps', () => {
  const calls = (k: number, ago = 10 * MIN) => Array.from({ length: k }, () => at(-ago));
  test.each<[string, Partial<DfeState>, ReturnType<typeof sweepGate>]>([
    ['fresh state: the whole cap', {}, { go: true, calls: 20 }],
    ['7 calls this hour: 13 left', { callLog: calls(7) }, { go: true, calls: 13 }],
    ['calls older than an hour do not count', { callLog: calls(20, HOUR) }, { go: true, calls: 20 }],
    ['cap reached: until the oldest call leaves the hour', { callLog: calls(20) }, { go: false, reason: 'cap', until: at(50 * MIN) }],
    ['inside a 137 hold', { holdUntil: at(MIN) }, { go: false, reason: 'hold', until: at(MIN) }],
    ['hold over', { holdUntil: at(0) }, { go: true, calls: 20 }],
    ['inside a 656 block: never early', { blockedUntil: at(59 * MIN) }, { go: false, reason: 'blocked', until: at(59 * MIN) }],
    ['block wins over hold', { blockedUntil: at(MIN), holdUntil: at(2 * MIN) }, { go: false, reason: 'blocked', until: at(MIN) }],
    ['backing off', { backoffUntil: at(MIN) }, { go: false, reason: 'backoff', until: at(MIN) }],
  ])('sweep: %s', (_name, given, expected) => {
    expect(sweepGate(state(given), NOW, P)).toEqual(expected);
  });

  test.each<[string, Partial<DfeState>, 'gap' | 'on-demand', ReturnType<typeof keyQueryGate>]>([
    ['gap filling keeps the reserve', {}, 'gap', { go: true, calls: 18 }],
    ['on-demand may use it', {}, 'on-demand', { go: true, calls: 20 }],
    ['18 key queries: gap filling stops', { keyQueryLog: calls(18), callLog: calls(18) }, 'gap', { go: false, reason: 'cap', until: at(50 * MIN) }],
    ['18 key queries: on-demand still has 2', { keyQueryLog: calls(18), callLog: calls(18) }, 'on-demand', { go: true, calls: 2 }],
    ['bounded by the global cap too', { keyQueryLog: calls(2), callLog: calls(15) }, 'gap', { go: true, calls: 5 }],
    ['global cap reached', { callLog: calls(20) }, 'on-demand', { go: false, reason: 'cap', until: at(50 * MIN) }],
    ['a distNSU hold does not stop key queries', { holdUntil: at(30 * MIN) }, 'gap', { go: true, calls: 18 }],
    ['a 656 block does', { blockedUntil: at(30 * MIN) }, 'on-demand', { go: false, reason: 'blocked', until: at(30 * MIN) }],
  ])('key query: %s', (_name, given, purpose, expected) => {
    expect(keyQueryGate(state(given), NOW, P, purpose)).toEqual(expected);
  });

  it('a configured cap is honoured', () => {
    expect(sweepGate(state(), NOW, { ...P, callCap: 12 })).toEqual({ go: true, calls: 12 });
    expect(keyQueryGate(state(), NOW, { ...P, keyQueryCap: 10, keyReserve: 4 }, 'gap')).toEqual({ go: true, calls: 6 });
  });

  it('recordCall logs every call, key queries twice, and prunes the old ones', () => {
    const s = recordCall(recordCall(state({ callLog: calls(3, 2 * HOUR) }), NOW, 'dist'), NOW, 'key');
    expect(s.callLog).toEqual([NOW, NOW]);
    expect(s.keyQueryLog).toEqual([NOW]);
  });
});

describe('gap step (§8.3)', () => {
  test.each<[string, ReturnType<typeof answer> | DistOutcome, Partial<ReturnType<typeof decideGapStep>>]>([
    ['138: fetched, stored', answer('138', undefined, undefined, docs(42)), { status: 'fetched', stop: false, store: docs(42) }],
    ['137: never generated for us', answer('137'), { status: 'never_generated', stop: false, store: [] }],
    ['656: stays pending, every query blocked for an hour', answer('656'), { status: 'pending', stop: true, state: expect.objectContaining({ blockedUntil: HOLD }) as DfeState }],
    ['108: stays pending, back off', answer('108'), { status: 'pending', stop: true, state: expect.objectContaining({ backoffUntil: at(P.backoffMinMs) }) as DfeState }],
    ['transport error: stays pending, back off', { kind: 'transport', error: 'timeout' }, { status: 'pending', stop: true }],
    ['unexpected cStat: stays pending, back off, alert', answer('215'), { status: 'pending', stop: true, alert: expect.stringContaining('215') as string }],
  ])('%s', (_name, outcome, expected) => {
    expect(decideGapStep(state(), outcome, NOW, P)).toMatchObject(expected);
  });

  test.each([
    [89, false],
    [90, true],
    [120, true],
  ])('missing for %d days: expired %s', (days, expired) => {
    expect(isExpired(at(-days * 24 * HOUR), NOW, P)).toBe(expired);
  });

  it('warns when the backlog cannot drain within retention at the gap budget', () => {
    expect(backlogAtRisk(18 * 24 * 90, P)).toBe(false);
    expect(backlogAtRisk(18 * 24 * 90 + 1, P)).toBe(true);
  });
});
