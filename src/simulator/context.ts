// Shared types for the service handlers: the simulator core (state, trust anchor, options) and the
// per-request context (which authorizer/environment/operation, when, and who transmitted).
import type { TestCa } from '../signing/testca';
import { formatDateTime } from '../fiscal/datetime';
import type { Authorizer } from './authorizers';
import type { CoConsumer } from './dfe-coconsumer';
import type { DfeLists } from './dfe-lists';
import type { DfeLimits } from './dfe-rules';
import type { Fault, FaultMode } from './faults';
import type { SimulatorState } from './state';

export interface SimulatorOptions {
  schemasDir?: string;
  processingDelayMs: number;
  /** 704 for a normal NFC-e received more than 5 minutes after dhEmi (default on). */
  nfceLateCheck: boolean;
  /** Accept cancellations after the legal deadline instead of answering 501 (CT-e: 220). */
  lenientCancelDeadline: boolean;
  /** CT-e 678 "consumo indevido" thresholds (cte.md §8). */
  cteConsumo: CteConsumoLimits;
  /** DF-e distribution thresholds (dfe-distribution.md §10). */
  dfe: DfeLimits;
}

/** cte.md §8, "preferential" values per authorizer: beyond them SEFAZ answers 678 for an hour. */
export interface CteConsumoLimits {
  /** CI01: identical rejections of the same CT-e (default 30). */
  authorisationRejections: number;
  /** CI02: consultas of the same key in one hour (default 10). */
  consultasPerHour: number;
  /** CI03: identical rejections of the same event (default 20). */
  eventRejections: number;
}

export const DEFAULT_CTE_CONSUMO: CteConsumoLimits = { authorisationRejections: 30, consultasPerHour: 10, eventRejections: 20 };

/** A manifestação the Ambiente Nacional registered (210200/210210/210220/210240), as the listener receives it. */
export interface ManifestacaoRegistered {
  tpAmb: '1' | '2';
  chave: string;
  /** The destinatário (the event's author): CNPJ or CPF. */
  destDoc: string;
  tpEvento: string;
  /** procEventoNFe: the signed event and the AN's retEvento. */
  procEventoXml: string;
}

/**
 * What an observer outside the simulator's own services (a test, a tool) hears of what it registers;
 * the DF-e distribution lists are fed directly (dfe-feed.ts onManifestacao).
 */
export interface SimulatorListeners {
  manifestacaoRegistered?(e: ManifestacaoRegistered): void;
}

export interface SimulatorCore {
  state: SimulatorState;
  ca: TestCa;
  options: SimulatorOptions;
  listeners: SimulatorListeners;
  now(): Date;
  /** Poll instants per nRec within the last hour (656 "consumo indevido"); memory only. */
  recentPolls: Map<string, number[]>;
  /** CT-e usage instants per rule and key within the last hour (678); memory only. */
  cteUsage: Map<string, number[]>;
  /** DF-e distribution: the NSU lists, consumer positions and parties (memory only). */
  dfe: DfeLists;
  /** The co-consumer fault of the distribution. */
  dfeCoConsumer: CoConsumer;
}

export interface ServiceContext {
  auth: Authorizer;
  tpAmb: '1' | '2';
  /** WSDL operation of the service called (its descriptor's). */
  operation: string;
  now: Date;
  /** CNPJ of the TLS client certificate; undefined on the plain-HTTP listener (trusted). */
  transmitter?: string;
  /** Consumes a fault of the given modes for this authorizer/operation (e.g. `reject`). */
  takeFault(modes: readonly FaultMode[]): Fault | undefined;
}

/** dhRecbto in the authorizer's offset. */
export function dhRecbto(ctx: ServiceContext): string {
  return formatDateTime(ctx.now, ctx.auth.offset);
}

/** nProt: tipo + cUF + AA + 10-digit sequence (sefaz-nfe.md §5.2). */
export function nextProtocol(core: SimulatorCore, ctx: ServiceContext, cUF: string): string {
  const prefix = ctx.auth.kind === 'an' ? '891' : ctx.auth.tipo + cUF;
  const aa = String(ctx.now.getUTCFullYear() % 100).padStart(2, '0');
  return prefix + aa + String(core.state.nextSeq('nProt')).padStart(10, '0');
}

/** nRec: cUF + tipo + 12-digit sequence (sefaz-nfe.md §5.1). */
export function nextRecibo(core: SimulatorCore, ctx: ServiceContext, cUF: string): string {
  return cUF + ctx.auth.tipo + String(core.state.nextSeq('nRec')).padStart(12, '0');
}
