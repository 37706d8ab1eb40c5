// Writing a document's new state from a use case or a job. Documents are never deleted and these
// writes carry no guard, so a row that is not updated is a bug: it fails loudly rather than letting the
// caller go on with the state it had (an illegal move fails in the store, naming both states).
import type { DocumentPatch, DocumentRecord } from '../store/port';
import type { CompanyContext } from './context';

export async function saveDocument(ctx: CompanyContext, doc: DocumentRecord, patch: DocumentPatch): Promise<DocumentRecord> {
  const updated = await ctx.store.updateDocument(ctx.company.id, doc.id, patch);
  if (!updated) throw new Error(`documento ${doc.id} desapareceu do banco`);
  // A re-keyed document (contingency) is logged under its new key from here on.
  if (patch.chave) ctx.log.add({ chave: patch.chave });
  return updated;
}
