// Seeding a party's NSU list directly (tests, the soak): documents given as XML, or `count` synthetic
// resNFe of a fixed simulated emitter, each entry a few fields (the XML is written when an answer
// carries it), so tens of thousands of NSUs cost little.
import { buildChave } from '../fiscal/chave';
import { withCnpjCheckDigits } from '../fiscal/cnpj';
import { formatDateTime } from '../fiscal/datetime';
import type { SimulatorCore } from './context';
import { DFE_SCHEMA, resNFe } from './dfe-documents';
import type { DfeFamily } from './dfe-lists';

/** Emitter of the synthetic resNFe (never a party of a test's own documents). */
export const SEED_EMITTER = withCnpjCheckDigits('990011220001');

export interface SeedSpec {
  tpAmb: string;
  family: DfeFamily;
  doc: string;
  /** Synthetic resNFe to append (NF-e lists only). */
  count?: number;
  /** Documents to append as they are, in order. */
  documents?: readonly { schema: string; xml: string; chave?: string }[];
  /** Reception instant of the appended NSUs (default: the simulator's now). */
  receivedAtMs?: number;
}

export class DfeInputError extends Error {}

/** Appends the documents, then the synthetic ones; returns the NSU range appended. */
export function seedDfe(core: SimulatorCore, spec: SeedSpec): { first: number; last: number } {
  const count = spec.count ?? 0;
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw new DfeInputError('count deve ser um inteiro entre 0 e 1000000');
  if (count > 0 && spec.family !== 'nfe') throw new DfeInputError('documentos sintéticos (count) só para a distribuição de NF-e; informe documents');
  const receivedAtMs = spec.receivedAtMs ?? core.now().getTime();
  const first = core.dfe.list(spec.tpAmb, spec.family, spec.doc).length + 1;
  let last = first - 1;
  for (const d of spec.documents ?? []) {
    const xml = d.xml;
    last = core.dfe.append(spec.tpAmb, spec.family, spec.doc, { schema: d.schema, receivedAtMs, chave: d.chave, render: () => xml });
  }
  const dh = formatDateTime(new Date(receivedAtMs), '-03:00');
  const aamm = dh.slice(2, 4) + dh.slice(5, 7);
  for (let i = 0; i < count; i++) {
    const nNF = last + 1;
    const chave = buildChave({ cUF: '35', aamm, cnpj: SEED_EMITTER, mod: '55', serie: 1, nNF, tpEmis: 1, cNF: String(nNF % 99_999_999 + 1) });
    last = core.dfe.append(spec.tpAmb, spec.family, spec.doc, {
      schema: DFE_SCHEMA.resNFe, receivedAtMs, chave,
      render: () => resNFe({
        chNFe: chave, emitter: SEED_EMITTER, xNome: 'EMITENTE SIMULADO', IE: 'ISENTO', dhEmi: dh, tpNF: '1', vNF: '1.00',
        dhRecbto: dh, nProt: `135${String(nNF).padStart(12, '0')}`, cSitNFe: '1',
      }),
    });
  }
  return { first, last };
}
