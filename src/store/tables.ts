// Column mappings of every entity of the port (see mapping.ts).
import { bool, csv, date, dateList, detached, json, Mapper, num, present, str } from './mapping';
import type {
  CertificateInfo, Company, ContingencyRecord, DfeDocumentRecord, DfeMissingRecord, DfeStateRecord, DocumentRecord, DocumentXml, EventRecord, InutilizacaoRecord, Partner, RequestLogRecord,
} from './port';

/** A document as stored: its state (the record every read returns) and its XML, kept in the side table. */
export type StoredDocument = DocumentRecord & DocumentXml;

export const partners = new Mapper<Partner>('partners', {
  id: ['id', str], name: ['name', str], createdAt: ['created_at', date],
});

export const companies = new Mapper<Company>('companies', {
  id: ['id', str], partnerId: ['partner_id', str], cnpj: ['cnpj', str], uf: ['uf', str], name: ['name', str],
  ie: ['ie', str], environment: ['environment', str], enabled: ['enabled', bool], cscId: ['csc_id', str],
  hasCsc: ['csc_sealed', present], contingency: ['contingency_json', json], unknownFields: ['unknown_fields', str],
  voidGaps: ['void_gaps', bool], autoCiencia: ['auto_ciencia', bool],
  createdAt: ['created_at', date], updatedAt: ['updated_at', date],
});

export const certificates = new Mapper<CertificateInfo>('certificates', {
  id: ['id', str], companyId: ['company_id', str], certPem: ['cert_pem', str], subject: ['subject', str],
  cnpj: ['cnpj', str], serial: ['serial', str], notBefore: ['not_before', date], notAfter: ['not_after', date],
  active: ['active', bool], createdAt: ['created_at', date],
});

export const documents = new Mapper<StoredDocument>('documents', {
  id: ['id', str], companyId: ['company_id', str], tpAmb: ['tp_amb', str], model: ['model', str],
  serie: ['serie', num], numero: ['numero', num], chave: ['chave', str], tpEmis: ['tp_emis', str],
  docStatus: ['doc_status', num], stage: ['stage', str], cStat: ['c_stat', str], xMotivo: ['x_motivo', str],
  nProt: ['n_prot', str], dhAut: ['dh_aut', date], dhEmi: ['dh_emi', date], digestValue: ['digest_value', str],
  nRec: ['n_rec', str], cNF: ['cnf', str], xmlSigned: ['xml_signed', detached], xmlProc: ['xml_proc', detached],
  layoutXml: ['layout_xml', detached], destDoc: ['dest_doc', str], destName: ['dest_name', str],
  totalValue: ['total_value', str], attempts: ['attempts', num], nextAttemptAt: ['next_attempt_at', date],
  lastError: ['last_error', str], epecProtocol: ['epec_protocol', str], previousChaves: ['previous_chaves', json],
  discardRequested: ['discard_requested', bool], substituteNumero: ['substitute_numero', num],
  substituteSerie: ['substitute_serie', num], discardState: ['discard_state', str],
  createdAt: ['created_at', date], updatedAt: ['updated_at', date],
}, 'document_xml');

export const events = new Mapper<EventRecord>('events', {
  id: ['id', str], documentId: ['document_id', str], companyId: ['company_id', str], tpEvento: ['tp_evento', str],
  nSeq: ['n_seq', num], status: ['status', str], cStat: ['c_stat', str], xMotivo: ['x_motivo', str],
  nProt: ['n_prot', str], dhReg: ['dh_reg', date], xmlSigned: ['xml_signed', detached], xmlProc: ['xml_proc', detached],
  requestXml: ['request_xml', detached], attempts: ['attempts', num], nextAttemptAt: ['next_attempt_at', date],
  lastError: ['last_error', str], createdAt: ['created_at', date], updatedAt: ['updated_at', date],
}, 'event_xml');

export const inutilizacoes = new Mapper<InutilizacaoRecord>('inutilizacoes', {
  id: ['id', str], companyId: ['company_id', str], tpAmb: ['tp_amb', str], model: ['model', str],
  serie: ['serie', num], nIni: ['n_ini', num], nFin: ['n_fin', num], justificativa: ['justificativa', str],
  status: ['status', str], cStat: ['c_stat', str], xMotivo: ['x_motivo', str], nProt: ['n_prot', str],
  dhReg: ['dh_reg', date], xmlProc: ['xml_proc', detached], createdAt: ['created_at', date], updatedAt: ['updated_at', date],
}, 'inutilizacao_xml');

export const requestLog = new Mapper<RequestLogRecord>('request_log', {
  id: ['id', num], requestId: ['request_id', str], partnerId: ['partner_id', str], companyId: ['company_id', str],
  kind: ['kind', str], documents: ['documents', num], codes: ['codes', csv], durationMs: ['duration_ms', num],
  createdAt: ['created_at', date],
});

export const contingencies = new Mapper<ContingencyRecord>('contingency_state', {
  tpAmb: ['tp_amb', str], uf: ['uf', str], model: ['model', str], state: ['state', str], since: ['since', date],
  cause: ['cause', str], detectingDocumentId: ['detecting_document_id', str], nextProbeAt: ['next_probe_at', date],
  probeFailures: ['probe_failures', num], updatedAt: ['updated_at', date],
});

export const dfeStates = new Mapper<DfeStateRecord>('dfe_state', {
  companyId: ['company_id', str], model: ['model', str], tpAmb: ['tp_amb', str], cnpj: ['cnpj', str], enabled: ['enabled', bool],
  ultNSU: ['ult_nsu', str], maxNSU: ['max_nsu', str], holdUntil: ['hold_until', date], blockedUntil: ['blocked_until', date],
  backoffUntil: ['backoff_until', date], backoffMs: ['backoff_ms', num], callLog: ['call_log', dateList],
  keyQueryLog: ['key_query_log', dateList], continueWhenBehind: ['continue_when_behind', bool],
  lastSweepAt: ['last_sweep_at', date], updatedAt: ['updated_at', date],
});

export const dfeDocuments = new Mapper<DfeDocumentRecord>('dfe_documents', {
  id: ['id', str], companyId: ['company_id', str], model: ['model', str], tpAmb: ['tp_amb', str], nsu: ['nsu', str],
  schema: ['schema_name', str], root: ['root', str], chave: ['chave', str], tpEvento: ['tp_evento', str],
  emitterDoc: ['emitter_doc', str], emitterName: ['emitter_name', str], destDoc: ['dest_doc', str], dhEmi: ['dh_emi', date],
  totalValue: ['total_value', str], situation: ['situation', str], rank: ['doc_rank', num], best: ['best', bool], receivedAt: ['received_at', date],
  xml: ['xml', str],
});

export const dfeMissing = new Mapper<DfeMissingRecord>('dfe_missing', {
  companyId: ['company_id', str], model: ['model', str], nsu: ['nsu', str], status: ['status', str],
  firstSeenAt: ['first_seen_at', date], attempts: ['attempts', num], lastAttemptAt: ['last_attempt_at', date],
  updatedAt: ['updated_at', date],
});
