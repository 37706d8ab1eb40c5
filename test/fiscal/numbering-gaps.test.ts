// Numbering gaps (src/fiscal/numbering-gaps.ts), table-driven: which numbers of a série are gaps,
// how they are written and merged, and when the job may void one (minimum age, legal deadline).
import { DOC_STATUS as S, type DocStatus } from '../../src/fiscal/document-state';
import {
  formatGapNumbers, gapCount, gapVerdict, mergeRanges, serieGaps, voidDeadline, type SerieNumbering,
} from '../../src/fiscal/numbering-gaps';

const T0 = new Date('2026-03-05T12:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const run = (from: number, to: number, since = T0) => ({ from, to, since });
const open = (numero: number, docStatus: DocStatus, extra: { discardRequested?: boolean; updatedAt?: Date } = {}) =>
  ({ numero, docStatus, discardRequested: false, updatedAt: T0, ...extra });

function facts(f: Partial<SerieNumbering>): SerieNumbering {
  return { tpAmb: '2', model: '55', serie: 1, runs: [], open: [], inutilizacoes: [], ...f };
}

describe('serieGaps: which numbers are gaps', () => {
  test.each<[string, Partial<SerieNumbering>, [number, number, string][]]>([
    ['no documents, no gaps', {}, []],
    ['one contiguous run', { runs: [run(1, 10)] }, []],
    ['numbers skipped between two runs', { runs: [run(1, 2), run(5, 6, at(1))] }, [[3, 4, 'skipped']]],
    ['the used range starts at the lowest number known (a série taken over)', { runs: [run(500, 502), run(504, 504)] }, [[503, 503, 'skipped']]],
    ['a rejected number below the top', { runs: [run(1, 3)], open: [open(2, S.REJEITADO)] }, [[2, 2, 'rejected']]],
    ['rejected numbers at the top are the next to resend, not gaps', { runs: [run(1, 5)], open: [open(4, S.REJEITADO), open(5, S.REJEITADO)] }, []],
    ['a skipped range below a rejected top is not a gap', { runs: [run(1, 2), run(5, 5)], open: [open(5, S.REJEITADO)] }, []],
    ['pending (105) is in flight', { runs: [run(1, 3)], open: [open(2, S.PENDENTE)] }, []],
    ['necessita interação (108) is in flight', { runs: [run(1, 3)], open: [open(2, S.NECESSITA_INTERACAO)] }, []],
    ['EPEC is in flight', { runs: [run(1, 3)], open: [open(2, S.EPEC)] }, []],
    ['off-line NFC-e is in flight', { runs: [run(1, 3)], open: [open(2, S.CONTINGENCIA_OFFLINE)] }, []],
    ['a rejected number under discard is being settled', { runs: [run(1, 3)], open: [open(2, S.REJEITADO, { discardRequested: true })] }, []],
    ['a pending number at the top holds the range', { runs: [run(1, 1), run(4, 4)], open: [open(4, S.PENDENTE)] }, [[2, 3, 'skipped']]],
    ['an inutilização covers part of a hole', { runs: [run(1, 1), run(10, 10)], inutilizacoes: [{ nIni: 3, nFin: 5 }] }, [[2, 2, 'skipped'], [6, 9, 'skipped']]],
    ['an inutilização covers a rejected number', { runs: [run(1, 3)], open: [open(2, S.REJEITADO)], inutilizacoes: [{ nIni: 2, nFin: 2 }] }, []],
    ['an inutilização at the top raises the used range', { runs: [run(1, 1), run(3, 3)], open: [open(3, S.REJEITADO)], inutilizacoes: [{ nIni: 4, nFin: 6 }] }, [[2, 2, 'skipped'], [3, 3, 'rejected']]],
  ])('%s', (_why, f, expected) => {
    expect(serieGaps(facts(f)).gaps.map((g) => [g.nIni, g.nFin, g.reason])).toEqual(expected);
  });

  test('a skipped range dates from the document above it; a rejection from its last update', () => {
    const { gaps } = serieGaps(facts({ runs: [run(1, 3, at(0)), run(6, 7, at(5))], open: [open(2, S.REJEITADO, { updatedAt: at(2) })] }));
    expect(gaps).toEqual([
      { nIni: 2, nFin: 2, reason: 'rejected', since: at(2) },
      { nIni: 4, nFin: 5, reason: 'skipped', since: at(5) },
    ]);
  });
});

describe('writing and merging ranges', () => {
  test.each<[string, [number, number][], string, number]>([
    ['none', [], '', 0],
    ['single numbers and ranges', [[3, 5], [8, 8], [10, 11]], '3-5, 8, 10-11', 6],
    ['contiguous pieces of different reasons are one range', [[2, 2], [3, 4]], '2-4', 3],
  ])('%s', (_why, ranges, text, count) => {
    const gaps = ranges.map(([nIni, nFin]) => ({ nIni, nFin }));
    expect(formatGapNumbers(gaps)).toBe(text);
    expect(gapCount(gaps)).toBe(count);
  });

  test('ranges are split at the size limit of one inutilização', () => {
    expect(mergeRanges([{ nIni: 1, nFin: 2 }, { nIni: 3, nFin: 7 }, { nIni: 9, nFin: 9 }], 3)).toEqual([
      { nIni: 1, nFin: 3 }, { nIni: 4, nFin: 6 }, { nIni: 7, nFin: 7 }, { nIni: 9, nFin: 9 },
    ]);
  });
});

describe('when a gap is voided', () => {
  test.each<[string, string, number, string]>([
    ['a gap of March: day 10 of April, Brasília time', '2026-03-05T12:00:00Z', 10, '2026-04-10T03:00:00.000Z'],
    ['the last evening of March in Brasília is still March', '2026-04-01T01:00:00Z', 10, '2026-04-10T03:00:00.000Z'],
    ['December rolls over to January', '2026-12-20T12:00:00Z', 10, '2027-01-10T03:00:00.000Z'],
    ['another deadline day', '2026-03-05T12:00:00Z', 5, '2026-04-05T03:00:00.000Z'],
  ])('deadline: %s', (_why, since, day, expected) => {
    expect(voidDeadline(new Date(since), day).toISOString()).toBe(expected);
  });

  const policy = { minAgeMs: 72 * 3_600_000, deadlineDay: 10 };
  const gap = { nIni: 2, nFin: 2, reason: 'skipped' as const, since: T0 };
  test.each<[string, Date, { action: string; late?: boolean }]>([
    ['younger than the minimum age: waits', at(71), { action: 'wait' }],
    ['old enough: voided', at(72), { action: 'void', late: false }],
    ['past the deadline: voided, late', new Date('2026-04-10T03:00:00Z'), { action: 'void', late: true }],
  ])('%s', (_why, now, expected) => {
    expect(gapVerdict(gap, now, policy)).toMatchObject(expected);
  });

  test('a minimum age longer than the deadline allows is cut to the day before the deadline', () => {
    const long = { minAgeMs: 60 * 86_400_000, deadlineDay: 10 };
    expect(gapVerdict(gap, new Date('2026-04-09T02:59:00Z'), long)).toMatchObject({ action: 'wait', until: new Date('2026-04-09T03:00:00Z') });
    expect(gapVerdict(gap, new Date('2026-04-09T03:00:00Z'), long)).toEqual({ action: 'void', late: false });
  });
});
