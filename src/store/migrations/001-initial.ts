// Initial schema. Written once over the dialect's column types: SQLite gets TEXT/INTEGER, SQL Server
// NVARCHAR/BIGINT/DATETIME2/BIT (indexable columns need a bounded NVARCHAR there).
import type { ColumnTypes } from '../driver';

export function initialSchema(t: ColumnTypes): string[] {
  const id = t.str(36);
  return [
    `CREATE TABLE store_meta (
      name ${t.str(64)} NOT NULL PRIMARY KEY,
      value ${t.text} NOT NULL
    )`,

    `CREATE TABLE partners (
      id ${id} NOT NULL PRIMARY KEY,
      name ${t.str(200)} NOT NULL,
      key_hash ${t.str(64)} NOT NULL UNIQUE,
      access_key_sealed ${t.text} NOT NULL,
      created_at ${t.datetime} NOT NULL
    )`,

    // A CNPJ belongs to one partner per environment (see port.ts).
    `CREATE TABLE companies (
      id ${id} NOT NULL PRIMARY KEY,
      partner_id ${id} NOT NULL REFERENCES partners(id),
      cnpj ${t.str(14)} NOT NULL,
      uf ${t.str(2)} NOT NULL,
      name ${t.str(200)} NOT NULL,
      ie ${t.str(20)} NULL,
      environment ${t.str(12)} NOT NULL CHECK (environment IN ('homologacao', 'producao')),
      enabled ${t.bool} NOT NULL,
      access_key_sealed ${t.text} NOT NULL,
      csc_id ${t.str(10)} NULL,
      csc_sealed ${t.text} NULL,
      contingency_json ${t.text} NOT NULL,
      created_at ${t.datetime} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      CONSTRAINT uq_companies_cnpj_env UNIQUE (cnpj, environment)
    )`,
    `CREATE INDEX ix_companies_partner ON companies (partner_id, cnpj)`,

    `CREATE TABLE certificates (
      id ${id} NOT NULL PRIMARY KEY,
      company_id ${id} NOT NULL REFERENCES companies(id),
      pfx_sealed ${t.text} NOT NULL,
      password_sealed ${t.text} NOT NULL,
      key_pem_sealed ${t.text} NOT NULL,
      cert_pem ${t.text} NOT NULL,
      subject ${t.str(500)} NOT NULL,
      cnpj ${t.str(14)} NULL,
      serial ${t.str(100)} NOT NULL,
      not_before ${t.datetime} NOT NULL,
      not_after ${t.datetime} NOT NULL,
      active ${t.bool} NOT NULL,
      created_at ${t.datetime} NOT NULL
    )`,
    `CREATE INDEX ix_certificates_company ON certificates (company_id, active)`,

    `CREATE TABLE documents (
      id ${id} NOT NULL PRIMARY KEY,
      company_id ${id} NOT NULL REFERENCES companies(id),
      tp_amb ${t.str(1)} NOT NULL,
      model ${t.str(2)} NOT NULL,
      serie ${t.int} NOT NULL,
      numero ${t.bigint} NOT NULL,
      chave ${t.str(44)} NULL,
      tp_emis ${t.str(1)} NOT NULL,
      doc_status ${t.int} NOT NULL,
      stage ${t.str(16)} NOT NULL,
      c_stat ${t.str(10)} NULL,
      x_motivo ${t.text} NULL,
      n_prot ${t.str(20)} NULL,
      dh_aut ${t.datetime} NULL,
      dh_emi ${t.datetime} NULL,
      digest_value ${t.str(64)} NULL,
      n_rec ${t.str(20)} NULL,
      cnf ${t.str(9)} NULL,
      xml_signed ${t.text} NULL,
      xml_proc ${t.text} NULL,
      layout_xml ${t.text} NULL,
      dest_doc ${t.str(20)} NULL,
      dest_name ${t.str(200)} NULL,
      total_value ${t.str(20)} NULL,
      attempts ${t.int} NOT NULL,
      next_attempt_at ${t.datetime} NULL,
      last_error ${t.text} NULL,
      epec_protocol ${t.str(20)} NULL,
      previous_chaves ${t.text} NOT NULL,
      discard_requested ${t.bool} NOT NULL,
      substitute_numero ${t.bigint} NULL,
      substitute_serie ${t.int} NULL,
      discard_state ${t.str(32)} NULL,
      created_at ${t.datetime} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      CONSTRAINT uq_documents_number UNIQUE (company_id, tp_amb, model, serie, numero)
    )`,
    `CREATE INDEX ix_documents_chave ON documents (company_id, chave)`,
    `CREATE INDEX ix_documents_created ON documents (company_id, created_at)`,
    `CREATE INDEX ix_documents_emission ON documents (company_id, dh_emi)`,
    `CREATE INDEX ix_documents_job ON documents (doc_status, stage, next_attempt_at)`,

    `CREATE TABLE events (
      id ${id} NOT NULL PRIMARY KEY,
      document_id ${id} NOT NULL REFERENCES documents(id),
      company_id ${id} NOT NULL REFERENCES companies(id),
      tp_evento ${t.str(6)} NOT NULL,
      n_seq ${t.int} NOT NULL,
      status ${t.str(12)} NOT NULL,
      c_stat ${t.str(10)} NULL,
      x_motivo ${t.text} NULL,
      n_prot ${t.str(20)} NULL,
      dh_reg ${t.datetime} NULL,
      xml_signed ${t.text} NULL,
      xml_proc ${t.text} NULL,
      request_xml ${t.text} NULL,
      attempts ${t.int} NOT NULL,
      next_attempt_at ${t.datetime} NULL,
      last_error ${t.text} NULL,
      created_at ${t.datetime} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      CONSTRAINT uq_events_seq UNIQUE (document_id, tp_evento, n_seq)
    )`,
    `CREATE INDEX ix_events_job ON events (status, next_attempt_at)`,

    `CREATE TABLE inutilizacoes (
      id ${id} NOT NULL PRIMARY KEY,
      company_id ${id} NOT NULL REFERENCES companies(id),
      tp_amb ${t.str(1)} NOT NULL,
      model ${t.str(2)} NOT NULL,
      serie ${t.int} NOT NULL,
      n_ini ${t.bigint} NOT NULL,
      n_fin ${t.bigint} NOT NULL,
      justificativa ${t.str(255)} NOT NULL,
      status ${t.str(12)} NOT NULL,
      c_stat ${t.str(10)} NULL,
      x_motivo ${t.text} NULL,
      n_prot ${t.str(20)} NULL,
      dh_reg ${t.datetime} NULL,
      xml_proc ${t.text} NULL,
      created_at ${t.datetime} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      CHECK (n_ini <= n_fin)
    )`,
    `CREATE INDEX ix_inutilizacoes_key ON inutilizacoes (company_id, tp_amb, model, serie, n_ini)`,

    `CREATE TABLE number_sequences (
      company_id ${id} NOT NULL REFERENCES companies(id),
      tp_amb ${t.str(1)} NOT NULL,
      model ${t.str(2)} NOT NULL,
      serie ${t.int} NOT NULL,
      next_numero ${t.bigint} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      PRIMARY KEY (company_id, tp_amb, model, serie)
    )`,

    `CREATE TABLE request_log (
      id ${t.autoId},
      request_id ${t.str(64)} NOT NULL,
      partner_id ${id} NULL,
      company_id ${id} NULL,
      kind ${t.str(40)} NOT NULL,
      documents ${t.int} NOT NULL,
      codes ${t.str(400)} NOT NULL,
      duration_ms ${t.int} NOT NULL,
      created_at ${t.datetime} NOT NULL
    )`,
    `CREATE INDEX ix_request_log_created ON request_log (created_at)`,

    `CREATE TABLE job_leases (
      name ${t.str(100)} NOT NULL PRIMARY KEY,
      owner ${t.str(200)} NOT NULL,
      expires_at ${t.datetime} NOT NULL,
      acquired_at ${t.datetime} NOT NULL
    )`,

    `CREATE TABLE contingency_state (
      tp_amb ${t.str(1)} NOT NULL,
      uf ${t.str(2)} NOT NULL,
      model ${t.str(2)} NOT NULL,
      state ${t.str(12)} NOT NULL CHECK (state IN ('normal', 'contingency')),
      since ${t.datetime} NOT NULL,
      cause ${t.text} NULL,
      detecting_document_id ${id} NULL,
      next_probe_at ${t.datetime} NULL,
      probe_failures ${t.int} NOT NULL,
      updated_at ${t.datetime} NOT NULL,
      PRIMARY KEY (tp_amb, uf, model)
    )`,
  ];
}
