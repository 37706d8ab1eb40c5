// The manifestação rules of the Ambiente Nacional (src/fiscal/manifestacao.ts), table-driven: one row
// per rule and its boundaries, in the order the AN checks them.
import {
  CIENCIA_DEADLINE_MS, CONCLUSIVE_DEADLINE_MS, isManifestacao, MANIFESTACAO, manifestacaoDeadlineMs, manifestacaoRejection,
  maxSeqManifestacao, type ManifestacaoFacts,
} from '../../src/fiscal/manifestacao';

const DAY = 86_400_000;
const NOW = new Date('2026-06-20T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function facts(o: Partial<ManifestacaoFacts>): ManifestacaoFacts {
  return { tpEvento: '210210', nSeq: 1, now: NOW, authorIsDestinatario: true, nfeStatus: 'authorized', authorizedAt: ago(DAY), registered: [], ...o };
}

describe('the four events', () => {
  test('descEvento as the schema enumerates it, which are conclusive and which release the full NF-e', () => {
    expect(MANIFESTACAO).toEqual({
      '210200': { descEvento: 'Confirmacao da Operacao', conclusive: true, releasesNfe: true, justified: false },
      '210210': { descEvento: 'Ciencia da Operacao', conclusive: false, releasesNfe: true, justified: false },
      '210220': { descEvento: 'Desconhecimento da Operacao', conclusive: true, releasesNfe: false, justified: false },
      '210240': { descEvento: 'Operacao nao Realizada', conclusive: true, releasesNfe: true, justified: true },
    });
  });

  test.each([
    ['210200', true, 2, CONCLUSIVE_DEADLINE_MS],
    ['210210', true, 1, CIENCIA_DEADLINE_MS],
    ['210220', true, 2, CONCLUSIVE_DEADLINE_MS],
    ['210240', true, 2, CONCLUSIVE_DEADLINE_MS],
    ['110111', false, 1, CIENCIA_DEADLINE_MS],
  ])('%s: manifestação %s, up to sequence %i', (tp, is, maxSeq, deadline) => {
    expect(isManifestacao(tp)).toBe(is);
    expect(maxSeqManifestacao(tp)).toBe(maxSeq);
    if (is) expect(manifestacaoDeadlineMs(tp)).toBe(deadline);
  });

  test('deadlines: 10 and 180 days', () => {
    expect(CIENCIA_DEADLINE_MS).toBe(10 * DAY);
    expect(CONCLUSIVE_DEADLINE_MS).toBe(180 * DAY);
  });
});

describe('manifestacaoRejection', () => {
  const conf1 = { tpEvento: '210200', nSeq: 1 };
  test.each<[string, Partial<ManifestacaoFacts>, string | undefined]>([
    ['ciência by the destinatário, 1 day after authorisation', {}, undefined],
    ['each conclusive event, first time', { tpEvento: '210200' }, undefined],
    ['operação não realizada', { tpEvento: '210240' }, undefined],
    ['desconhecimento', { tpEvento: '210220' }, undefined],
    ['author is not the destinatário', { authorIsDestinatario: false }, '575'],
    ['575 before anything else', { authorIsDestinatario: false, nSeq: 3, nfeStatus: 'cancelled' }, '575'],
    ['author unknown: not checked', { authorIsDestinatario: undefined }, undefined],
    ['ciência sequence 2', { nSeq: 2 }, '594'],
    ['confirmação sequence 2 (Ajuste SINIEF 43/23)', { tpEvento: '210200', nSeq: 2, registered: [conf1] }, undefined],
    ['confirmação sequence 3', { tpEvento: '210200', nSeq: 3 }, '594'],
    ['sequence 0', { tpEvento: '210220', nSeq: 0 }, '594'],
    ['ciência for a cancelled NF-e', { nfeStatus: 'cancelled' }, '650'],
    ['ciência for a denied NF-e', { nfeStatus: 'denied' }, '650'],
    ['desconhecimento for a cancelled NF-e', { tpEvento: '210220', nfeStatus: 'cancelled' }, '651'],
    ['desconhecimento for a denied NF-e', { tpEvento: '210220', nfeStatus: 'denied' }, '651'],
    ['operação não realizada for a cancelled NF-e: not refused here', { tpEvento: '210240', nfeStatus: 'cancelled' }, undefined],
    ['the same sequence again', { tpEvento: '210200', registered: [conf1] }, '573'],
    ['ciência twice', { registered: [{ tpEvento: '210210', nSeq: 1 }] }, '573'],
    ['ciência after a confirmação', { registered: [conf1] }, '655'],
    ['ciência after a desconhecimento', { registered: [{ tpEvento: '210220', nSeq: 1 }] }, '655'],
    ['ciência after operação não realizada', { registered: [{ tpEvento: '210240', nSeq: 1 }] }, '655'],
    ['confirmação after ciência', { tpEvento: '210200', registered: [{ tpEvento: '210210', nSeq: 1 }] }, undefined],
    ['ciência at exactly 10 days', { authorizedAt: ago(10 * DAY) }, undefined],
    ['ciência 1 ms after 10 days', { authorizedAt: ago(10 * DAY + 1) }, '596'],
    ['confirmação after 11 days', { tpEvento: '210200', authorizedAt: ago(11 * DAY) }, undefined],
    ['confirmação at exactly 180 days', { tpEvento: '210200', authorizedAt: ago(180 * DAY) }, undefined],
    ['confirmação after 180 days', { tpEvento: '210200', authorizedAt: ago(180 * DAY + 1) }, '596'],
    ['desconhecimento after 180 days', { tpEvento: '210220', authorizedAt: ago(181 * DAY) }, '596'],
    ['authorisation unknown: deadline not checked', { authorizedAt: null }, undefined],
    ['655 before 596', { authorizedAt: ago(30 * DAY), registered: [conf1] }, '655'],
  ])('%s', (_name, o, cStat) => {
    expect(manifestacaoRejection(facts(o))).toBe(cStat);
  });
});
