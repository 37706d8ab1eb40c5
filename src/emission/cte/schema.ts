// XSD validation of a signed CT-e against the official schemas (when configured): cte_v4.00.xsd for
// the document, and the modal's own schema for the content of infModal, which cte_v4.00.xsd leaves
// open (xs:any) and SEFAZ checks apart (580).
import path from 'node:path';
import { MODAL_ROOTS, CTE_NS } from '../../layout';
import { loadXsdValidator } from '../../xml/xsd';
import type { CompanyContext } from '../context';

const MODAL_XSD: Readonly<Record<string, string>> = {
  rodo: 'cteModalRodoviario_v4.00.xsd', aereo: 'cteModalAereo_v4.00.xsd', aquav: 'cteModalAquaviario_v4.00.xsd',
  ferrov: 'cteModalFerroviario_v4.00.xsd', duto: 'cteModalDutoviario_v4.00.xsd', multimodal: 'cteMultiModal_v4.00.xsd',
};

/** The modal element inside infModal, with the CT-e namespace its own schema expects on its root. */
function modalOf(signedXml: string): { root: string; xml: string } | undefined {
  for (const root of Object.values(MODAL_ROOTS)) {
    const m = new RegExp(`<infModal versaoModal="[^"]*">(<${root}[\\s>][\\s\\S]*</${root}>)</infModal>`).exec(signedXml);
    if (m?.[1]) return { root, xml: m[1].replace(new RegExp(`^<${root}`), `<${root} xmlns="${CTE_NS}"`) };
  }
  return undefined;
}

/** The schema errors of a signed CT-e (document, then modal); undefined when valid or when no schemas are configured. */
export async function cteSchemaErrors(ctx: CompanyContext, signedXml: string): Promise<string[] | undefined> {
  if (!ctx.deps.schemasDir) return undefined;
  const dir = path.join(ctx.deps.schemasDir, 'cte');
  const v = (await loadXsdValidator(path.join(dir, 'cte_v4.00.xsd'))).validate(signedXml);
  if (!v.ok) return v.errors;
  const modal = modalOf(signedXml);
  const xsd = modal && MODAL_XSD[modal.root];
  if (!modal || !xsd) return undefined;
  const m = (await loadXsdValidator(path.join(dir, xsd))).validate(modal.xml);
  return m.ok ? undefined : m.errors.map((e) => `infModal: ${e}`);
}
