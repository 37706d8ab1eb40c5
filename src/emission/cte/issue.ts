// CT-e issuing specifics: what a number fixes (cCT, key), and the one normal rendering path —
// render with infCTeSupl/qrCodCTe → sign infCte. The QR code names only the key and tpAmb (no digest),
// so it is written before signing; infCTeSupl lies outside infCte and thus outside the signature.
import { cteChave, renderCte, type CteDraft } from '../../layout';
import { signXml, digestValueOf } from '../../signing/xmldsig';
import { buildCteQrCode } from '../../fiscal/cte-qrcode';
import { randomCnf } from '../../fiscal/chave';
import { formatDateTime, parseDateTime } from '../../fiscal/datetime';
import { ufOffset } from '../../fiscal/ufs';
import { cteAuthorizerFor } from '../../sefaz/endpoints';
import { cteQrCodeBaseUrl } from '../../sefaz/cte-qrcode-urls';
import type { CompanyContext } from '../context';
import type { Issue, Refusal } from '../document-type';

/** dhEmi from the layout (+ fusoHorario, else the emitter UF's offset) or now at that offset. */
function emissionDateTime(ctx: CompanyContext, draft: CteDraft, uf: string): string {
  const offset = draft.fusoHorario ?? ufOffset(uf);
  return draft.dhEmi ? `${draft.dhEmi}${offset}` : formatDateTime(ctx.now(), offset);
}

export async function planCte(ctx: CompanyContext, draft: CteDraft, uf: string): Promise<Issue | Refusal> {
  const authorizer = cteAuthorizerFor(uf, '1');
  const qrBase = cteQrCodeBaseUrl(authorizer, ctx.tpAmb);
  if (!qrBase) return { code: 999, text: `Endereço de consulta do CT-e (QR code) desconhecido para o autorizador ${authorizer} da UF ${uf}` };
  const dhEmi = emissionDateTime(ctx, draft, uf);
  const party = draft.dest ?? draft.tomador;
  return Promise.resolve({
    dhEmi,
    numbered(n) {
      const cCT = randomCnf(String(n));
      return {
        chave: cteChave(draft, { nCT: String(n), cCT, dhEmi, tpEmis: '1' }), cNF: cCT, tpEmis: '1', dhEmi: parseDateTime(dhEmi) ?? null,
        destDoc: party?.cnpj ?? party?.cpf ?? null, destName: party?.xNome ?? null, totalValue: draft.vTPrest,
      };
    },
    async sign(doc) {
      const { cert } = await ctx.certificate();
      if (!doc.cNF || !doc.chave) throw new Error(`documento ${doc.id} numerado sem cCT/chave`);
      const qrCodCTe = buildCteQrCode({ baseUrl: qrBase, chave: doc.chave, tpAmb: ctx.tpAmb, tpEmis: '1' });
      const rendered = renderCte(draft, { nCT: String(doc.numero), cCT: doc.cNF, dhEmi, tpEmis: '1', tpAmb: ctx.tpAmb, verProc: ctx.deps.verProc, qrCodCTe });
      if (rendered.chave !== doc.chave) throw new Error(`chave renderizada ${rendered.chave} difere da numerada ${doc.chave}`);
      const xmlSigned = await signXml(rendered.xml, { tag: 'infCte', keyPem: cert.keyPem, certPem: cert.certPem });
      return { chave: rendered.chave, xmlSigned, digestValue: digestValueOf(xmlSigned) ?? null, dhEmi };
    },
  });
}
