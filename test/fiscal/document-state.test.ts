// The document state machine (src/fiscal/document-state.ts), table-driven: the moves the emission use
// cases and jobs make are legal, the ones that would undo a final answer are not.
import {
  DOC_STAGES, DOC_STATUS as S, DOC_STATUSES, docStatusLabel, isLegalMove, legalSources, moveTarget,
  type DocStage, type DocState, type DocStatus,
} from '../../src/fiscal/document-state';

const st = (docStatus: DocStatus, stage: DocStage): DocState => ({ docStatus, stage });

describe('legal moves (what the gateway writes)', () => {
  test.each([
    ['numbering, signing and sending', st(S.PENDENTE, 'numbered'), st(S.PENDENTE, 'signed')],
    ['signed → sending', st(S.PENDENTE, 'signed'), st(S.PENDENTE, 'sending')],
    ['a send that never left goes back', st(S.PENDENTE, 'sending'), st(S.PENDENTE, 'signed')],
    ['authorised', st(S.PENDENTE, 'sending'), st(S.AUTORIZADO, 'settled')],
    ['denied', st(S.PENDENTE, 'sending'), st(S.DENEGADO, 'settled')],
    ['schema rejection before sending', st(S.PENDENTE, 'signed'), st(S.REJEITADO, 'settled')],
    ['outage detected: 108', st(S.PENDENTE, 'sending'), st(S.NECESSITA_INTERACAO, 'sending')],
    ['SVC authorisation', st(S.PENDENTE, 'sending'), st(S.CONTINGENCIA_SVC, 'settled')],
    ['EPEC registered', st(S.PENDENTE, 'sending'), st(S.EPEC, 'answered')],
    ['off-line NFC-e', st(S.PENDENTE, 'signed'), st(S.CONTINGENCIA_OFFLINE, 'signed')],
    ['EPEC reconciliation sends', st(S.EPEC, 'answered'), st(S.EPEC, 'sending')],
    ['EPEC reconciled', st(S.EPEC, 'sending'), st(S.AUTORIZADO, 'settled')],
    ['EPEC rejected at reconciliation', st(S.EPEC, 'sending'), st(S.REJEITADO, 'settled')],
    ['off-line NFC-e transmitted', st(S.CONTINGENCIA_OFFLINE, 'sending'), st(S.AUTORIZADO, 'settled')],
    ['cancelled', st(S.AUTORIZADO, 'settled'), st(S.CANCELADO, 'settled')],
    ['SVC document cancelled', st(S.CONTINGENCIA_SVC, 'settled'), st(S.CANCELADO, 'settled')],
    ['a rejected number sent again', st(S.REJEITADO, 'settled'), st(S.PENDENTE, 'numbered')],
    ['a rejected range voided', st(S.REJEITADO, 'settled'), st(S.INUTILIZADO, 'settled')],
    ['108 adopted by consulta', st(S.NECESSITA_INTERACAO, 'sending'), st(S.AUTORIZADO, 'settled')],
    ['108 unknown to SEFAZ', st(S.NECESSITA_INTERACAO, 'sending'), st(S.REJEITADO, 'settled')],
    ['108 discarded by inutilização', st(S.NECESSITA_INTERACAO, 'sending'), st(S.INUTILIZADO, 'sending')],
    ['a pending number discarded', st(S.PENDENTE, 'sending'), st(S.INUTILIZADO, 'sending')],
    ['a rejected number found authorised by the discard', st(S.REJEITADO, 'settled'), st(S.AUTORIZADO, 'settled')],
    ['staying put in a final status', st(S.CANCELADO, 'settled'), st(S.CANCELADO, 'settled')],
  ])('%s', (_why, from, to) => {
    expect(isLegalMove(from, to)).toBe(true);
  });
});

describe('illegal moves', () => {
  test.each([
    ['Cancelado → Autorizado', st(S.CANCELADO, 'settled'), st(S.AUTORIZADO, 'settled')],
    ['Autorizado → Pendente', st(S.AUTORIZADO, 'settled'), st(S.PENDENTE, 'sending')],
    ['Autorizado → Rejeitado', st(S.AUTORIZADO, 'settled'), st(S.REJEITADO, 'settled')],
    ['Autorizado → Inutilizado', st(S.AUTORIZADO, 'settled'), st(S.INUTILIZADO, 'settled')],
    ['Inutilizado → Pendente', st(S.INUTILIZADO, 'settled'), st(S.PENDENTE, 'numbered')],
    ['Denegado → Autorizado', st(S.DENEGADO, 'settled'), st(S.AUTORIZADO, 'settled')],
    ['Denegado → Cancelado', st(S.DENEGADO, 'settled'), st(S.CANCELADO, 'settled')],
    ['EPEC → Cancelado (authorise first, then cancel)', st(S.EPEC, 'answered'), st(S.CANCELADO, 'answered')],
    ['Contingência SVC → Autorizado', st(S.CONTINGENCIA_SVC, 'settled'), st(S.AUTORIZADO, 'settled')],
    ['Necessita interação → Pendente (the number may not be re-sent)', st(S.NECESSITA_INTERACAO, 'sending'), st(S.PENDENTE, 'sending')],
    ['an authorised document sent again', st(S.AUTORIZADO, 'settled'), st(S.AUTORIZADO, 'sending')],
    ['a rejected document moved back to signing', st(S.REJEITADO, 'settled'), st(S.REJEITADO, 'signed')],
    ['to a status the gateway never writes', st(S.PENDENTE, 'sending'), st(S.EM_CONFLITO, 'settled')],
  ])('%s', (_why, from, to) => {
    expect(isLegalMove(from, to)).toBe(false);
  });
});

describe('final statuses', () => {
  test.each([S.CANCELADO, S.INUTILIZADO, S.DENEGADO])('%s moves nowhere', (status) => {
    for (const docStatus of DOC_STATUSES) {
      for (const stage of DOC_STAGES) {
        if (docStatus === status && stage === 'settled') continue;
        expect(isLegalMove(st(status, 'settled'), st(docStatus, stage))).toBe(false);
      }
    }
  });
});

describe('a change that leaves a field out keeps its current value', () => {
  test('only the stage', () => {
    expect(moveTarget(st(S.EPEC, 'answered'), { stage: 'sending' })).toEqual(st(S.EPEC, 'sending'));
  });
  test('only the status', () => {
    expect(moveTarget(st(S.AUTORIZADO, 'settled'), { docStatus: S.CANCELADO })).toEqual(st(S.CANCELADO, 'settled'));
  });
});

describe('legal sources of a change (the store\'s UPDATE condition)', () => {
  test.each([
    [{ docStatus: S.CANCELADO }],
    [{ stage: 'sending' as const }],
    [{ docStatus: S.PENDENTE, stage: 'numbered' as const }],
    [{ docStatus: S.AUTORIZADO, stage: 'settled' as const }],
  ])('%j: exactly the states isLegalMove accepts', (change) => {
    const sources = legalSources(change);
    for (const docStatus of DOC_STATUSES) {
      for (const stage of DOC_STAGES) {
        const listed = sources.some((g) => g.statuses.includes(docStatus) && g.stages.includes(stage));
        expect(listed).toBe(isLegalMove(st(docStatus, stage), moveTarget(st(docStatus, stage), change)));
      }
    }
  });

  test('Cancelado is reached from Pendente, Autorizado, Rejeitado, Necessita interação, Contingência SVC and itself', () => {
    const statuses = legalSources({ docStatus: S.CANCELADO }).flatMap((g) => g.statuses).sort((a, b) => a - b);
    expect(statuses).toEqual([S.PENDENTE, S.AUTORIZADO, S.REJEITADO, S.NECESSITA_INTERACAO, S.CANCELADO, S.CONTINGENCIA_SVC]);
  });
});

test('labels name the status as support staff read it', () => {
  expect(docStatusLabel(S.CANCELADO)).toBe('Cancelado (5)');
  expect(docStatusLabel(S.CONTINGENCIA_SVC)).toBe('Contingência SVC (15)');
});
