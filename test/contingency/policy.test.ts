import {
  cancelDeadline,
  defaultOptions,
  epecAuthorizer,
  hasSvc,
  offeredOptions,
  offlineAllowed,
  DEFAULT_PROBE_INTERVALS,
  discardDecision,
  epecWarning,
  failureVerdict,
  isKnownUnprocessed,
  nextOption,
  pendingBackoff,
  PENDING_MAX_ATTEMPTS,
  probeDelay,
  svcFor,
  type DiscardFacts,
  type SvcOverrides,
  type FailureEvidence,
  type FailureVerdict,
  type OptionAvailability,
  type TransmissionOutcome,
} from '../../src/contingency/policy';
import { SefazMessageTooLarge, SefazTransportError, type SefazTransportErrorKind } from '../../src/sefaz/errors';
import type { ContingencyOption, DocModel } from '../../src/store/port';

const MIN = 60_000;
const HOUR = 60 * MIN;

function transport(kind: SefazTransportErrorKind, requestSent: boolean, httpStatus?: number): TransmissionOutcome {
  return { error: new SefazTransportError(kind, 'falha', { requestSent, httpStatus }) };
}

const error = (o: TransmissionOutcome): SefazTransportError => (o as { error: SefazTransportError }).error;

describe('failureVerdict (the evidence rule) / isKnownUnprocessed', () => {
  // A transport failure is confirmed by the status service before the scope enters contingency; SEFAZ's
  // own 108/109 is evidence enough; a 4xx refusal shows the server up; an oversized message is our fault.
  test.each<[string, TransmissionOutcome, FailureVerdict, boolean]>([
    ['connect refused', transport('connect', false), 'ask-status', true],
    ['TLS failure', transport('tls', false), 'ask-status', true],
    ['connect timeout', transport('timeout', false), 'ask-status', true],
    ['read timeout', transport('timeout', true), 'ask-status', false],
    ['connection reset after send', transport('reset', true), 'ask-status', false],
    ['HTTP 500', transport('http', true, 500), 'ask-status', false],
    ['HTTP 503', transport('http', true, 503), 'ask-status', false],
    ['HTTP 403 (certificate refused)', transport('http', true, 403), 'sefaz-up', false],
    ['HTTP 413', transport('http', true, 413), 'sefaz-up', false],
    ['empty body', transport('empty', true), 'ask-status', false],
    ['garbage body', transport('garbage', true), 'ask-status', false],
    ['message over the limit (never sent)', { error: new SefazMessageTooLarge('NFeAutorizacao4', 10 * 1024 * 1024, 500 * 1024) }, 'request-fault', true],
    ['cStat 108', { cStat: '108' }, 'outage', true],
    ['cStat 109', { cStat: '109' }, 'outage', true],
    ['cStat 100', { cStat: '100' }, 'sefaz-up', false],
    ['cStat 225 rejection', { cStat: '225' }, 'sefaz-up', false],
  ])('%s', (_name, outcome, verdict, unprocessed) => {
    expect(failureVerdict('cStat' in outcome ? outcome : error(outcome))).toBe(verdict);
    expect(isKnownUnprocessed(outcome)).toBe(unprocessed);
  });

  test('a programming error is neither a trigger nor known unprocessed', () => {
    expect(isKnownUnprocessed({ error: new TypeError('x') })).toBe(false);
  });

  const reset = error(transport('reset', true));
  test.each<[string, FailureEvidence, FailureVerdict]>([
    ['status 107 (in operation) → SEFAZ up, no contingency', { status: { cStat: '107' } }, 'sefaz-up'],
    ['status 656 (consumo indevido: it answers) → SEFAZ up', { status: { cStat: '656' } }, 'sefaz-up'],
    ['status 108 → outage', { status: { cStat: '108' } }, 'outage'],
    ['status 109 → outage', { status: { cStat: '109' } }, 'outage'],
    ['status request fails too (connect) → outage', { status: error(transport('connect', false)) }, 'outage'],
    ['status request times out → outage', { status: error(transport('timeout', true)) }, 'outage'],
    ['status request HTTP 503 → outage', { status: error(transport('http', true, 503)) }, 'outage'],
    ['status request refused HTTP 403 → SEFAZ up', { status: error(transport('http', true, 403)) }, 'sefaz-up'],
    ['scope already in contingency (in-flight document) → outage', { scopeInContingency: true }, 'outage'],
    ['no evidence yet → ask the status service', {}, 'ask-status'],
  ])('reset after send + %s', (_name, evidence, verdict) => {
    expect(failureVerdict(reset, evidence)).toBe(verdict);
  });

  test('evidence never turns an oversized message or a 4xx into an outage', () => {
    const down = { scopeInContingency: true, status: { cStat: '109' } };
    expect(failureVerdict(new SefazMessageTooLarge('NFeAutorizacao4', 600 * 1024, 500 * 1024), down)).toBe('request-fault');
    expect(failureVerdict(error(transport('http', true, 403)), down)).toBe('sefaz-up');
  });
});

describe('defaultOptions', () => {
  test.each<[DocModel, ContingencyOption[]]>([
    ['55', ['SVC', 'EPEC', 'NONE']],
    ['65', ['OFFLINE', 'NONE']],
    // InvoiCy's CT-e module lists EPEC, SVC, Nenhuma (contingency-and-numbering.md §3.1).
    ['57', ['EPEC', 'SVC', 'NONE']],
  ])('model %s', (model, expected) => {
    expect(defaultOptions(model)).toEqual(expected);
  });

  test('a copy: changing it leaves the table alone', () => {
    defaultOptions('55').pop();
    expect(defaultOptions('55')).toEqual(['SVC', 'EPEC', 'NONE']);
  });
});

describe('offeredOptions', () => {
  test.each<[DocModel, ContingencyOption[]]>([
    ['55', ['SVC', 'EPEC', 'NONE']],
    // NFC-e has no SVC (783); its EPEC exists in SP only, but exists.
    ['65', ['EPEC', 'OFFLINE', 'NONE']],
    // CT-e has no off-line emission (cte.md §4).
    ['57', ['SVC', 'EPEC', 'NONE']],
  ])('model %s', (model, expected) => {
    expect(offeredOptions(model)).toEqual(expected);
  });

  test.each<DocModel>(['55', '65', '57'])('model %s offers every one of its default options', (model) => {
    expect(offeredOptions(model)).toEqual(expect.arrayContaining(defaultOptions(model)));
  });
});

describe('per-model facts', () => {
  test.each<[DocModel, boolean, boolean, boolean]>([
    // model, has SVC, off-line in RS, off-line in SP
    ['55', true, false, false],
    ['65', false, true, false],
    ['57', true, false, false],
  ])('model %s: SVC %s, off-line RS %s, off-line SP %s', (model, svc, offlineRs, offlineSp) => {
    expect(hasSvc(model)).toBe(svc);
    expect(offlineAllowed(model, 'RS')).toBe(offlineRs);
    expect(offlineAllowed(model, 'SP')).toBe(offlineSp);
  });

  test.each<[DocModel, string, SvcOverrides, string | undefined]>([
    ['55', 'RS', {}, 'AN'],
    ['55', 'PR', {}, 'AN'],
    // CT-e's EPEC goes to the SVC serving the UF (cte.md §6.3).
    ['57', 'PR', {}, 'SVCSP'],
    ['57', 'SP', {}, 'SVCRS'],
    ['57', 'PR', { '57': { PR: 'SVCRS' } }, 'SVCRS'],
    // NFC-e's EPEC (SP) is SP's own service.
    ['65', 'SP', {}, undefined],
  ])('EPEC of model %s in %s (%j) goes to %s', (model, uf, overrides, expected) => {
    expect(epecAuthorizer(model, uf, overrides)).toBe(expected);
  });
});

describe('nextOption', () => {
  const nfe: OptionAvailability = { model: '55', uf: 'RS', svcActive: true };
  test.each<[string, ContingencyOption[], ContingencyOption[], OptionAvailability, ContingencyOption]>([
    ['NF-e first option SVC', ['SVC', 'EPEC', 'NONE'], [], nfe, 'SVC'],
    ['NF-e SVC inactive → EPEC', ['SVC', 'EPEC', 'NONE'], [], { ...nfe, svcActive: false }, 'EPEC'],
    ['NF-e SVC tried → EPEC', ['SVC', 'EPEC', 'NONE'], ['SVC'], nfe, 'EPEC'],
    ['NF-e all tried → NONE', ['SVC', 'EPEC'], ['SVC', 'EPEC'], nfe, 'NONE'],
    ['NONE stops the walk', ['NONE', 'SVC'], [], nfe, 'NONE'],
    ['empty list → NONE', [], [], nfe, 'NONE'],
    ['NF-e never OFFLINE', ['OFFLINE', 'EPEC'], [], nfe, 'EPEC'],
    ['NFC-e never SVC', ['SVC', 'OFFLINE'], [], { model: '65', uf: 'RS', svcActive: true }, 'OFFLINE'],
    ['NFC-e OFFLINE forbidden in SP → EPEC', ['OFFLINE', 'EPEC', 'NONE'], [], { model: '65', uf: 'SP', svcActive: true }, 'EPEC'],
    ['NFC-e EPEC only in SP', ['EPEC', 'NONE'], [], { model: '65', uf: 'RS', svcActive: true }, 'NONE'],
    ['NFC-e OFFLINE disallowed by override', ['OFFLINE', 'NONE'], [], { model: '65', uf: 'RS', svcActive: true, offlineAllowed: false }, 'NONE'],
    ['CT-e SVC', ['SVC', 'EPEC'], [], { model: '57', uf: 'PR', svcActive: true }, 'SVC'],
    ['CT-e default: EPEC first', ['EPEC', 'SVC', 'NONE'], [], { model: '57', uf: 'PR', svcActive: true }, 'EPEC'],
    ['CT-e EPEC tried → SVC', ['EPEC', 'SVC', 'NONE'], ['EPEC'], { model: '57', uf: 'PR', svcActive: true }, 'SVC'],
    ['CT-e SVC inactive after EPEC → NONE', ['EPEC', 'SVC', 'NONE'], ['EPEC'], { model: '57', uf: 'PR', svcActive: false }, 'NONE'],
    ['CT-e never OFFLINE', ['OFFLINE', 'NONE'], [], { model: '57', uf: 'RS', svcActive: true }, 'NONE'],
  ])('%s', (_name, options, tried, availability, expected) => {
    expect(nextOption(options, tried, availability)).toBe(expected);
  });
});

describe('svcFor', () => {
  test.each<[DocModel, string, SvcOverrides | undefined, string | undefined]>([
    ['55', 'PR', undefined, 'SVCRS'],
    ['55', 'BA', undefined, 'SVCRS'],
    ['55', 'SP', undefined, 'SVCAN'],
    ['55', 'CE', undefined, 'SVCAN'],
    ['55', 'CE', { '55': { CE: 'SVCRS' } }, 'SVCRS'],
    ['55', 'SP', { '55': { CE: 'SVCRS' } }, 'SVCAN'],
    // CT-e: SVC-RS for AP, MS, MT, PE, RR, SP; SVC-SP for the others (cte.md §4.1).
    ['57', 'SP', undefined, 'SVCRS'],
    ['57', 'MT', undefined, 'SVCRS'],
    ['57', 'PR', undefined, 'SVCSP'],
    ['57', 'RS', undefined, 'SVCSP'],
    ['57', 'CE', { '55': { CE: 'SVCRS' } }, 'SVCSP'],
    ['57', 'CE', { '57': { CE: 'SVCRS' } }, 'SVCRS'],
    // NFC-e has no SVC (783).
    ['65', 'RS', undefined, undefined],
  ])('model %s, %s with %j', (model, uf, overrides, expected) => {
    expect(svcFor(model, uf, overrides)).toBe(expected);
  });
});

describe('pendingBackoff', () => {
  test.each<[number, number]>([
    [0, 1], [1, 1], [2, 2], [3, 5], [4, 10], [5, 15], [6, 30], [7, 30], [49, 30],
  ])('after %i failed attempts waits %i min', (attempt, minutes) => {
    expect(pendingBackoff(attempt)).toBe(minutes * MIN);
  });

  test('gives up after 50 attempts', () => {
    expect(PENDING_MAX_ATTEMPTS).toBe(50);
  });
});

describe('probeDelay', () => {
  test.each<[number, number]>([
    [0, 3], [1, 3], [2, 6], [3, 12], [4, 15], [10, 15], [1000, 15],
  ])('after %i failures waits %i min', (failures, minutes) => {
    expect(probeDelay(failures)).toBe(minutes * MIN);
  });

  test('never below the minimum interval', () => {
    for (let f = 0; f < 20; f++) expect(probeDelay(f)).toBeGreaterThanOrEqual(DEFAULT_PROBE_INTERVALS.minMs);
  });

  test('custom intervals', () => {
    expect(probeDelay(2, { minMs: 1000, maxMs: 1500 })).toBe(1500);
    expect(probeDelay(1, { minMs: 1000, maxMs: 1500 })).toBe(1000);
  });
});

describe('epecWarning', () => {
  const epecAt = new Date('2025-03-01T12:00:00Z');
  test.each<[number, string]>([
    [0, 'ok'], [119.9, 'ok'], [120, 'warn'], [167.9, 'warn'], [168, 'overdue'], [400, 'overdue'],
  ])('%f h after the EPEC → %s', (hours, expected) => {
    expect(epecWarning(epecAt, new Date(epecAt.getTime() + hours * HOUR))).toBe(expected);
  });

  test('configurable warning threshold', () => {
    expect(epecWarning(epecAt, new Date(epecAt.getTime() + 50 * HOUR), 48)).toBe('warn');
  });
});

describe('cancelDeadline', () => {
  const dhAut = new Date('2025-03-01T12:00:00Z');
  test.each<[DocModel, string]>([
    ['55', '2025-03-02T12:00:00.000Z'],
    ['65', '2025-03-01T12:30:00.000Z'],
    ['57', '2025-03-08T12:00:00.000Z'],
  ])('model %s', (model, expected) => {
    expect(cancelDeadline(model, dhAut).toISOString()).toBe(expected);
  });
});

describe('discardDecision', () => {
  const failedAt = new Date('2025-03-01T12:00:00Z');
  const later = (ms: number) => new Date(failedAt.getTime() + ms);
  const base: DiscardFacts = { consulta: { cStat: '100' }, now: later(HOUR), failedAt, tMedSeconds: 1, notFoundBefore: 0 };

  test.each<[string, Partial<DiscardFacts>, string]>([
    ['authorised → cancel', { consulta: { cStat: '100' } }, 'cancel'],
    ['authorised late → cancel', { consulta: { cStat: '150' } }, 'cancel'],
    ['authorised with cancel event → already cancelled', { consulta: { cStat: '100', cancelEventRegistered: true } }, 'already-cancelled'],
    ['101 → already cancelled', { consulta: { cStat: '101' } }, 'already-cancelled'],
    ['135 → already cancelled', { consulta: { cStat: '135' } }, 'already-cancelled'],
    ['206 → already voided', { consulta: { cStat: '206' } }, 'already-voided'],
    ['256 → already voided', { consulta: { cStat: '256' } }, 'already-voided'],
    ['110 → denied', { consulta: { cStat: '110' } }, 'denied'],
    ['301 → denied', { consulta: { cStat: '301' } }, 'denied'],
    ['302 → denied', { consulta: { cStat: '302' } }, 'denied'],
    ['303 → denied', { consulta: { cStat: '303' } }, 'denied'],
    ['205 → denied', { consulta: { cStat: '205' } }, 'denied'],
    ['transport → retry', { consulta: 'transport-error' }, 'retry-later'],
    ['108 → retry', { consulta: { cStat: '108' } }, 'retry-later'],
    ['109 → retry', { consulta: { cStat: '109' } }, 'retry-later'],
    ['656 → retry', { consulta: { cStat: '656' } }, 'retry-later'],
    ['first old 217 → confirm', { consulta: { cStat: '217' } }, 'confirm-not-found'],
    ['second old 217 → inutilizar', { consulta: { cStat: '217' }, notFoundBefore: 1 }, 'inutilizar'],
    ['217 too early (floor 3 min) → retry', { consulta: { cStat: '217' }, notFoundBefore: 1, now: later(2 * MIN) }, 'retry-later'],
    ['217 after the floor → inutilizar', { consulta: { cStat: '217' }, notFoundBefore: 1, now: later(3 * MIN) }, 'inutilizar'],
    ['217 before 3 × tMed → retry', { consulta: { cStat: '217' }, notFoundBefore: 1, tMedSeconds: 120, now: later(5 * MIN) }, 'retry-later'],
    ['217 after 3 × tMed → inutilizar', { consulta: { cStat: '217' }, notFoundBefore: 1, tMedSeconds: 120, now: later(6 * MIN) }, 'inutilizar'],
    ['217 with a custom floor', { consulta: { cStat: '217' }, notFoundBefore: 1, minWaitMs: 0, now: later(3000) }, 'inutilizar'],
    ['unexpected cStat → manual', { consulta: { cStat: '236' } }, 'manual'],
  ])('%s', (_name, facts, action) => {
    expect(discardDecision({ ...base, ...facts }).action).toBe(action);
  });
});
