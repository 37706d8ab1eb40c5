// What the follow-up jobs (pending retry, EPEC/off-line reconciliation, discard, start-up recovery)
// share: their dependencies and options, one CompanyContext per company per run, the scope check,
// the re-transmission of a stored signed document and the consulta by key reduced to facts.
import type { DocumentRecord, Store } from '../../store/port';
import { ConfigError } from '../../config';
import { SefazMessageTooLarge, SefazTransportError } from '../../sefaz/errors';
import { failureVerdict, UNKNOWN_FATE_WAIT_MS } from '../../contingency/policy';
import { LogScope } from '../../log/logger';
import { CompanyContext, type EmissionDeps } from '../context';
import { applyAnswer, docUf, refuseOversized, sefazTarget } from '../outcome';
import { judgeTransportFailure } from '../outage';
import type { ConsultaAnswer } from '../document-type';
import { documentTypeOf } from '../document-types';

export interface FollowUpOptions {
  /** Documents (or events) handled per run; the rest waits for the next tick. */
  batchSize: number;
  /**
   * Least time between a transmission with unknown fate and the consulta whose 217 allows a resend
   * or a voiding: the message may still sit in a SEFAZ queue (contingency-and-numbering.md §5.2, §8).
   */
  unknownFateWaitMs: number;
  /** Standard justification of the cancellation that discards an authorised document. */
  cancelJustification: string;
  /** Justification of the inutilização that discards a number SEFAZ never saw. */
  inutJustification: string;
  epecWarnAfterHours: number;
  /** A numbering gap is voided once this old (the ERP may still resend a rejected number before). */
  gapMinAgeMs: number;
  /** Day of the following month before which a month's gaps are voided (Ajuste SINIEF 07/05, cl. 14ª: by the 10th). */
  gapDeadlineDay: number;
  /** Justification of the inutilização that voids a numbering gap. */
  gapJustification: string;
}

export const DEFAULT_FOLLOW_UP: FollowUpOptions = {
  batchSize: 100,
  unknownFateWaitMs: UNKNOWN_FATE_WAIT_MS,
  cancelJustification: 'Documento substituído por falha de comunicação',
  inutJustification: 'Número descartado: documento substituído por falha de comunicação com a SEFAZ',
  epecWarnAfterHours: 120,
  gapMinAgeMs: 72 * 3_600_000,
  gapDeadlineDay: 10,
  gapJustification: 'Numeração não utilizada (pulo de numeração), inutilizada no prazo do Ajuste SINIEF 07/05',
};

/**
 * Overrides from the environment: JOB_UNKNOWN_FATE_WAIT_MS (e.g. short in tests and simulator
 * demos), JOB_BATCH_SIZE, DISCARD_CANCEL_JUSTIFICATION (15–255 characters), GAP_VOID_MIN_AGE_HOURS,
 * GAP_VOID_DEADLINE_DAY (2–28: day 1 would leave a gap of the month's last evening no time at all).
 */
export function followUpOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<FollowUpOptions> {
  const out: Partial<FollowUpOptions> = {};
  const int = (name: string, min: number): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} deve ser um número inteiro ≥ ${min} (recebido: ${raw})`);
    return n;
  };
  const wait = int('JOB_UNKNOWN_FATE_WAIT_MS', 0);
  if (wait !== undefined) out.unknownFateWaitMs = wait;
  const batch = int('JOB_BATCH_SIZE', 1);
  if (batch !== undefined) out.batchSize = batch;
  const minAgeHours = int('GAP_VOID_MIN_AGE_HOURS', 0);
  if (minAgeHours !== undefined) out.gapMinAgeMs = minAgeHours * 3_600_000;
  const deadlineDay = int('GAP_VOID_DEADLINE_DAY', 2);
  if (deadlineDay !== undefined) {
    if (deadlineDay > 28) throw new ConfigError(`GAP_VOID_DEADLINE_DAY deve ser um dia de 2 a 28 (recebido: ${deadlineDay})`);
    out.gapDeadlineDay = deadlineDay;
  }
  const xJust = env.DISCARD_CANCEL_JUSTIFICATION?.trim();
  if (xJust) {
    if (xJust.length < 15 || xJust.length > 255) throw new ConfigError('DISCARD_CANCEL_JUSTIFICATION deve ter de 15 a 255 caracteres');
    out.cancelJustification = xJust;
  }
  return out;
}

export interface FollowUpDeps extends EmissionDeps {
  options?: Partial<FollowUpOptions>;
}

/** One job run: the deps, its instant, its stop signal and a context per company. */
export class JobRun {
  readonly options: FollowUpOptions;
  private readonly contexts = new Map<string, Promise<CompanyContext | undefined>>();

  constructor(readonly deps: FollowUpDeps, readonly now: Date, readonly signal?: AbortSignal, readonly log: LogScope = new LogScope()) {
    this.options = { ...DEFAULT_FOLLOW_UP, ...deps.options };
  }

  get store(): Store {
    return this.deps.store;
  }

  get stopped(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Undefined when the company is gone or disabled (its documents wait). */
  context(companyId: string): Promise<CompanyContext | undefined> {
    let ctx = this.contexts.get(companyId);
    if (!ctx) {
      ctx = this.store.getCompany(companyId).then((c) => (c && c.enabled ? new CompanyContext(this.deps, c, this.log) : undefined));
      this.contexts.set(companyId, ctx);
    }
    return ctx;
  }

  at(delayMs: number): Date {
    return new Date(this.now.getTime() + delayMs);
  }
}

/** Follow-ups talk to the normal authorizer only once the document's scope is NORMAL again. */
export async function scopeIsNormal(ctx: CompanyContext, doc: DocumentRecord): Promise<boolean> {
  return !(await ctx.contingency.isInContingency({ tpAmb: doc.tpAmb, uf: docUf(ctx, doc), model: doc.model }));
}

export type Transmission =
  | { kind: 'answered'; doc: DocumentRecord }
  /** Certainly not processed (not written, or SEFAZ 108/109/656): safe to send again. */
  | { kind: 'not-sent'; doc: DocumentRecord; cause: string; cStat?: string }
  /** Sent, no usable answer: settle by consulta before anything else. */
  | { kind: 'unknown'; doc: DocumentRecord; cause: string };

/** Lote-level answers that say "not processed now, try later" rather than judging the document. */
const TRY_LATER = ['108', '109', '656'];

/**
 * Sends the stored signed document synchronously to the normal authorizer under its own key (tpEmis 1
 * pending, 4 EPEC, 9 off-line) and adopts the answer. Stage `sending` is persisted before the call
 * (start-up recovery settles it by consulta after a crash). A failure confirmed as an outage
 * (failureVerdict: SEFAZ 108/109, or its status service down too) puts the scope back in contingency.
 */
export async function transmitStored(ctx: CompanyContext, doc: DocumentRecord, signedXml: string): Promise<Transmission> {
  const previousStage = doc.stage;
  const sending = await ctx.store.updateDocument(ctx.company.id, doc.id, { stage: 'sending', attempts: doc.attempts + 1 }, { docStatus: [doc.docStatus] });
  if (!sending) return { kind: 'not-sent', doc, cause: 'documento alterado por outro processo' };
  doc = sending;
  const { credentials } = await ctx.certificate();
  const scope = { tpAmb: doc.tpAmb, uf: docUf(ctx, doc), model: doc.model };
  let ret;
  try {
    ret = await documentTypeOf(doc.model).services.authorize(ctx, sefazTarget(ctx, doc), credentials, { indSinc: '1', signedXmls: [signedXml] });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    const verdict = await judgeTransportFailure(ctx, doc, err);
    if (verdict === 'outage') await ctx.contingency.enterContingency(scope, err.message, doc.id, ctx.log);
    if (verdict === 'request-fault' && err instanceof SefazMessageTooLarge) return { kind: 'answered', doc: await refuseOversized(ctx, doc, err) };
    if (err.requestSent) return { kind: 'unknown', doc, cause: err.message };
    doc = (await ctx.store.updateDocument(ctx.company.id, doc.id, { stage: previousStage })) ?? doc;
    return { kind: 'not-sent', doc, cause: err.message };
  }
  if (TRY_LATER.includes(ret.cStat)) {
    const cause = `${ret.cStat} - ${ret.xMotivo}`;
    if (failureVerdict({ cStat: ret.cStat }) === 'outage') await ctx.contingency.enterContingency(scope, cause, doc.id, ctx.log);
    doc = (await ctx.store.updateDocument(ctx.company.id, doc.id, { stage: previousStage })) ?? doc;
    return { kind: 'not-sent', doc, cause, cStat: ret.cStat };
  }
  return { kind: 'answered', doc: await applyAnswer(ctx, doc, ret) };
}

/** A consulta by key reduced to what the follow-ups decide on. */
export type KeyFacts =
  | { kind: 'transport-error'; cause: string }
  | { kind: 'answer'; cStat: string; xMotivo: string; ret: ConsultaAnswer; cancelEventRegistered: boolean };

export async function consultKey(ctx: CompanyContext, doc: DocumentRecord, chave: string): Promise<KeyFacts> {
  const { credentials } = await ctx.certificate();
  try {
    const type = documentTypeOf(doc.model);
    const ret = await type.services.consult(ctx, sefazTarget(ctx, { ...doc, chave }), credentials, chave);
    const cancelEventRegistered = ret.events.some(({ answer }) => type.events.cancelling.includes(answer.tpEvento ?? '') && ['135', '155'].includes(answer.cStat));
    // The protocol's cStat is the document's situation (100/150/110/301…); the answer's otherwise (101, 217…).
    const cStat = ret.cStat === '101' ? '101' : ret.protocol?.chave === chave ? ret.protocol.cStat : ret.cStat;
    return { kind: 'answer', cStat, xMotivo: ret.xMotivo, ret, cancelEventRegistered };
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    ctx.log.warn('consulta por chave falhou', { chave, error: err.message });
    return { kind: 'transport-error', cause: err.message };
  }
}
