// DF-e distribution (dfe-distribution.md §8.1): the position of each company per model (opt-in, NSUs,
// holds, the call logs of the last hour), the documents captured from the Ambiente Nacional (one row per
// NSU; a partial unique index, because a consChNFe answer may carry no NSU) and the NSUs still missing.
import type { ColumnTypes } from '../driver';

export function dfeDistribution(t: ColumnTypes): string[] {
  const id = t.str(36);
  return [
    `CREATE TABLE dfe_state (
      company_id ${id} NOT NULL REFERENCES companies(id),
      model ${t.str(2)} NOT NULL,
      tp_amb ${t.str(1)} NOT NULL,
      cnpj ${t.str(14)} NOT NULL,
      enabled ${t.bool} NOT NULL,
      ult_nsu ${t.str(15)} NOT NULL,
      max_nsu ${t.str(15)} NOT NULL,
      hold_until ${t.datetime} NULL,
      blocked_until ${t.datetime} NULL,
      backoff_until ${t.datetime} NULL,
      backoff_ms ${t.bigint} NOT NULL,
      call_log ${t.text} NOT NULL,
      key_query_log ${t.text} NOT NULL,
      continue_when_behind ${t.bool} NOT NULL,
      last_sweep_at ${t.datetime} NULL,
      updated_at ${t.datetime} NOT NULL,
      PRIMARY KEY (company_id, model),
      CONSTRAINT uq_dfe_state_scope UNIQUE (tp_amb, cnpj, model)
    )`,

    `CREATE TABLE dfe_documents (
      id ${id} NOT NULL PRIMARY KEY,
      company_id ${id} NOT NULL REFERENCES companies(id),
      model ${t.str(2)} NOT NULL,
      tp_amb ${t.str(1)} NOT NULL,
      cnpj ${t.str(14)} NOT NULL,
      nsu ${t.str(15)} NULL,
      schema_name ${t.str(60)} NOT NULL,
      root ${t.str(40)} NOT NULL,
      chave ${t.str(44)} NULL,
      tp_evento ${t.str(6)} NULL,
      emitter_doc ${t.str(14)} NULL,
      emitter_name ${t.str(200)} NULL,
      dest_doc ${t.str(20)} NULL,
      dh_emi ${t.datetime} NULL,
      total_value ${t.str(20)} NULL,
      situation ${t.str(12)} NULL,
      doc_rank ${t.int} NOT NULL,
      best ${t.bool} NULL,
      received_at ${t.datetime} NOT NULL,
      xml ${t.text} NOT NULL
    )`,
    `CREATE UNIQUE INDEX ux_dfe_documents_nsu ON dfe_documents (tp_amb, cnpj, model, nsu) WHERE nsu IS NOT NULL`,
    `CREATE INDEX ix_dfe_documents_company ON dfe_documents (company_id, model, nsu)`,
    `CREATE INDEX ix_dfe_documents_chave ON dfe_documents (company_id, chave)`,
    `CREATE INDEX ix_dfe_documents_emission ON dfe_documents (company_id, dh_emi)`,

    `CREATE TABLE dfe_missing (
      company_id ${id} NOT NULL REFERENCES companies(id),
      model ${t.str(2)} NOT NULL,
      nsu ${t.str(15)} NOT NULL,
      status ${t.str(16)} NOT NULL CHECK (status IN ('pending', 'fetched', 'never_generated', 'expired')),
      first_seen_at ${t.datetime} NOT NULL,
      attempts ${t.int} NOT NULL,
      last_attempt_at ${t.datetime} NULL,
      updated_at ${t.datetime} NOT NULL,
      PRIMARY KEY (company_id, model, nsu)
    )`,
    `CREATE INDEX ix_dfe_missing_status ON dfe_missing (company_id, model, status, nsu)`,
  ];
}
