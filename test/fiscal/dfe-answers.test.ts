// The pure rules that answer ERPs from the DF-e capture (src/fiscal/dfe-answers.ts): the NSU cursor's
// page and the on-demand consChNFe's outcome.
import { decideKeyLookup, distributionPage } from '../../src/fiscal/dfe-answers';
import { DEFAULT_DFE_POLICY, initialDfeState } from '../../src/fiscal/dfe-sweep';

const pad = (n: number) => String(n).padStart(15, '0');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('distributionPage', () => {
  test.each([
    ['a full page ends at its last NSU', { after: 0, captured: range(1, 60), position: 60, maxNSU: 60 }, range(1, 50), pad(50), undefined],
    ['a short page moves the cursor to the capture\'s position', { after: 0, captured: [2, 5], position: 9, maxNSU: 12 }, [2, 5], pad(9), undefined],
    ['nothing captured after the cursor: to the position', { after: 9, captured: [], position: 9, maxNSU: 12 }, [], pad(9), undefined],
    ['stops before the lowest pending NSU', { after: 0, captured: [1, 2, 5, 6], lowestPending: 3, position: 6, maxNSU: 6 }, [1, 2], pad(2), pad(3)],
    ['waits at a pending NSU right after the cursor', { after: 2, captured: [5, 6], lowestPending: 3, position: 6, maxNSU: 6 }, [], pad(2), pad(3)],
    ['a cursor past the position stays where it is', { after: 30, captured: [], position: 9, maxNSU: 9 }, [], pad(30), undefined],
  ])('%s', (_name, input, nsus, ultimoNSU, waitingFor) => {
    const page = distributionPage(input);
    expect(page.nsus).toEqual(nsus);
    expect(page.ultimoNSU).toBe(ultimoNSU);
    expect(page.waitingFor).toBe(waitingFor);
  });

  test('MaximoNSU is the AN\'s maxNSU (or the position when above it)', () => {
    expect(distributionPage({ after: 0, captured: [1], position: 1, maxNSU: 40 }).maximoNSU).toBe(pad(40));
  });
});

describe('decideKeyLookup', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const state = initialDfeState();
  const answer = (cStat: string, documents: { NSU?: string }[] = []) => ({ kind: 'answer' as const, cStat, xMotivo: `motivo ${cStat}`, documents });

  test.each([
    ['138 → found', answer('138', [{ NSU: pad(7) }]), 'found'],
    ['137 → not found', answer('137'), 'not-found'],
    ['640 → refused, the position untouched', answer('640'), 'refused'],
    ['632 → refused', answer('632'), 'refused'],
    ['656 → failed, blocked', answer('656'), 'failed'],
    ['108 → failed, backing off', answer('108'), 'failed'],
  ])('%s', (_name, outcome, kind) => {
    expect(decideKeyLookup(state, outcome, now, DEFAULT_DFE_POLICY).result.kind).toBe(kind);
  });

  test('656 blocks every query for the hour; a transport failure backs off; a refusal changes nothing', () => {
    expect(decideKeyLookup(state, answer('656'), now, DEFAULT_DFE_POLICY).state.blockedUntil?.getTime()).toBe(now.getTime() + DEFAULT_DFE_POLICY.holdMs + DEFAULT_DFE_POLICY.marginMs);
    expect(decideKeyLookup(state, { kind: 'transport', error: 'reset' }, now, DEFAULT_DFE_POLICY).state.backoffUntil).not.toBeNull();
    expect(decideKeyLookup(state, answer('641'), now, DEFAULT_DFE_POLICY).state).toEqual(state);
  });
});
