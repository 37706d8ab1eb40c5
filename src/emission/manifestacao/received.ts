// The NF-e of another company that names this company as destinatário (its manifestação, issue 15 §2).
// Events hang on a document row, so the company keeps a reference row for the key: authorised,
// settled and outside its numbering — in a série of its own, RECEIVED_SERIE (store/port.ts),
// numbered in arrival order, so a supplier's série and number never take one of the company's own
// numbers nor collide with another supplier's; the Consulta of the company's own documents leaves these
// rows out. The row is handed out with the key's série and number, which is what the ERP and the
// replies know the NF-e by.
import { DOC_STATUS } from '../../fiscal/document-state';
import { RECEIVED_SERIE, type DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';

/** What is known of a received NF-e when its row is created (from its resNFe); unknown: null. */
export interface ReceivedFacts {
  dhAut?: Date | null;
  nProt?: string | null;
}

function keyed(doc: DocumentRecord): DocumentRecord {
  if (doc.serie !== RECEIVED_SERIE || !doc.chave) return doc;
  return { ...doc, serie: Number(doc.chave.slice(22, 25)), numero: Number(doc.chave.slice(25, 34)) };
}

/** The company's row for an NF-e key it received (created on first use). */
export async function receivedNfe(ctx: CompanyContext, chave: string, facts: ReceivedFacts = {}): Promise<DocumentRecord> {
  const found = await ctx.store.findDocumentByChave(ctx.company.id, chave);
  if (found) return keyed(found);
  const inserted = await ctx.store.allocateAndInsertDocument(ctx.company.id, {
    tpAmb: ctx.tpAmb, model: '55', serie: RECEIVED_SERIE, chave, tpEmis: chave.charAt(34), docStatus: DOC_STATUS.AUTORIZADO, stage: 'settled',
    xMotivo: 'NF-e recebida: a empresa é a destinatária', nProt: facts.nProt ?? null, dhAut: facts.dhAut ?? null,
  });
  // Two concurrent first requests may both insert one: both then use the row the key finds first.
  return keyed((await ctx.store.findDocumentByChave(ctx.company.id, chave)) ?? inserted);
}
