// Shared by the jobs-* and scenario tests: the follow-up jobs' deps over a harness, documents for a
// chosen UF, scope switches and a consulta by key through SOAP.
import { JobRun, type FollowUpDeps, type FollowUpOptions } from '../../src/emission/jobs/common';
import { ufCode } from '../../src/fiscal/ufs';
import type { ContingencyOption, DocModel } from '../../src/store/port';
import { SCHEMAS_DIR, type Harness, type TestCompany } from '../support/harness';
import { simpleNfe, inUf } from '../support/samples';

export interface JobsRig {
  deps: FollowUpDeps;
  /** A run at `now` (default: real now). */
  run(now?: Date, options?: Partial<FollowUpOptions>): JobRun;
  close(): void;
}

/** The follow-up jobs' deps over the harness's gateway (same store and SEFAZ client). */
export function jobsRig(h: Harness): JobsRig {
  const deps: FollowUpDeps = { store: h.store, sefaz: h.sefaz, schemasDir: SCHEMAS_DIR, verProc: 'fiscal-gateway test', options: { unknownFateWaitMs: 0 } };
  return {
    deps,
    run: (now = new Date(), options = {}) => new JobRun({ ...deps, options: { ...deps.options, ...options } }, now),
    close: () => undefined,
  };
}

export function nfeFor(company: TestCompany, uf: string, nNF: number, serie = 1): string {
  return inUf(simpleNfe({ cnpj: company.cnpj, nNF, serie }), uf);
}

export async function setOptions(h: Harness, company: TestCompany, options: ContingencyOption[], model: DocModel = '55'): Promise<void> {
  await h.store.updateCompany(company.company.id, { contingency: { [model]: { options, transitionMode: 'invoicy' } } });
  company.company = (await h.store.getCompany(company.company.id))!;
}

/** Puts the homologação scope of a UF and model (NF-e by default) in the state a test needs. */
export async function setScope(h: Harness, uf: string, state: 'normal' | 'contingency', model: DocModel = '55'): Promise<void> {
  await h.store.setContingency({ tpAmb: '2', uf, model }, { state, since: new Date(), cause: 'teste', probeFailures: 0 });
}

export const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };

/** Consulta by key through SOAP, as the ERP sees the document. */
export async function consultaByKey(h: Harness, company: TestCompany, chave: string, modelo: 'NFe' | 'NFCe' | 'CTe' = 'NFe'): Promise<Record<string, unknown>> {
  const xml = `<Consulta><ModeloDocumento>${modelo}</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${company.cnpj}</CnpjEmissor><ChaveAcesso>${chave}</ChaveAcesso></Consulta>`;
  const reply = await h.call([xml], { as: company });
  return reply.documentos[0]!;
}
