// NF-e/NFC-e issuing specifics: the checks before a number is taken (environment URLs and the CSC of
// an NFC-e), what a number fixes (cNF, key), and one rendering path — render → sign → NFC-e QR code —
// for the normal document (tpEmis 1) and for its contingency renditions (new tpEmis, new key).
import { nfeChave, nfeTotalsDivergence, renderNfe, type NfeDraft } from '../../layout';
import { signXml, digestValueOf } from '../../signing/xmldsig';
import { buildQrCodeV2Offline, buildQrCodeV2Online } from '../../fiscal/qrcode';
import { randomCnf } from '../../fiscal/chave';
import { divergenceText } from '../../fiscal/nfe-amounts';
import { formatDateTime, parseDateTime } from '../../fiscal/datetime';
import { ufOffset } from '../../fiscal/ufs';
import { qrCodeBaseUrl, urlChaveConsulta } from '../../sefaz/endpoints';
import type { ActiveCertificate, DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { TEXT } from '../codes';
import type { ContingencyTpEmis, Issue, Refusal, RenditionOutcome, Signed } from '../document-type';
import { insertInfNFeSupl } from './supplement';
import { schemaErrors } from './schema';

type Csc = { cscId: string; csc: string };

const TEXT_OFFLINE_QR = 'QR code off-line exige o CSC da empresa e os endereços de consulta da UF';

/** dhEmi from the layout (+ fusoHorario, else the emitter UF's offset) or now at that offset. */
function emissionDateTime(ctx: CompanyContext, draft: NfeDraft, uf: string): string {
  const offset = draft.fusoHorario ?? ufOffset(uf);
  return draft.dhEmi ? `${draft.dhEmi}${offset}` : formatDateTime(ctx.now(), offset);
}

interface Rendering {
  nNF: string;
  cNF: string;
  dhEmi: string;
  tpEmis: string;
  /** Contingency entry time and justification (tpEmis ≠ 1). */
  dhCont?: string;
  xJust?: string;
}

/** Renders and signs; `qr` makes the NFC-e QR code (from the signed digest) and inserts the supplement. */
async function renderSigned(
  ctx: CompanyContext, draft: NfeDraft, r: Rendering, cert: ActiveCertificate,
  qr?: (chave: string, digestValue: string | undefined) => { qrCode: string; urlChave: string },
): Promise<Signed> {
  const rendered = renderNfe(draft, { ...r, tpAmb: ctx.tpAmb, verProc: ctx.deps.verProc });
  let xmlSigned = await signXml(rendered.xml, { tag: 'infNFe', keyPem: cert.keyPem, certPem: cert.certPem });
  const digestValue = digestValueOf(xmlSigned);
  if (qr) {
    const supl = qr(rendered.chave, digestValue);
    xmlSigned = insertInfNFeSupl(xmlSigned, supl.qrCode, supl.urlChave);
  }
  return { chave: rendered.chave, xmlSigned, digestValue: digestValue ?? null, dhEmi: r.dhEmi };
}

function onCsc(ctx: CompanyContext, csc: Csc): void {
  ctx.deps.onNfceCsc?.(ctx.company.cnpj, csc.cscId, csc.csc);
}

export async function planNfe(ctx: CompanyContext, draft: NfeDraft, uf: string): Promise<Issue | Refusal> {
  let qr: { qrCode?: string; urlChave: string; csc?: Csc } | undefined;
  if (draft.modelo === '65') {
    const urlChave = draft.infSuplem?.urlChave ?? urlChaveConsulta(uf, ctx.tpAmb);
    const csc = draft.infSuplem?.qrCode ? undefined : await ctx.store.getCompanyCsc(ctx.company.id);
    if (!draft.infSuplem?.qrCode && !csc) {
      return { code: 796, text: 'Rejeição: empresa sem CSC (Código de Segurança do Contribuinte) cadastrado para NFC-e; cadastre o CSC da empresa' };
    }
    if (!urlChave || (!draft.infSuplem?.qrCode && !qrCodeBaseUrl(uf, ctx.tpAmb))) {
      return { code: 999, text: `Endereço de consulta da NFC-e (QR code/urlChave) desconhecido para a UF ${uf}` };
    }
    qr = { qrCode: draft.infSuplem?.qrCode, urlChave, csc };
  }
  const dhEmi = emissionDateTime(ctx, draft, uf);
  // SEFAZ would refuse totals that differ from the items: answered with its code, nothing sent.
  const divergence = nfeTotalsDivergence(draft.tree, draft.modelo);
  return {
    dhEmi,
    rejection: divergence && { code: Number(divergence.cStat), text: divergenceText(divergence) },
    numbered(n) {
      const cNF = randomCnf(String(n));
      return {
        chave: nfeChave(draft, { nNF: String(n), cNF, dhEmi, tpEmis: '1' }), cNF, tpEmis: '1', dhEmi: parseDateTime(dhEmi) ?? null,
        destDoc: draft.destDoc?.cnpj ?? draft.destDoc?.cpf ?? draft.destDoc?.idEstrangeiro ?? null,
        destName: draft.destDoc?.xNome ?? null, totalValue: draft.vNF ?? null,
      };
    },
    async sign(doc) {
      const { cert } = await ctx.certificate();
      if (!doc.cNF) throw new Error(`documento ${doc.id} numerado sem cNF`);
      const supplement = qr && ((chave: string) => {
        let qrCode = qr.qrCode;
        if (!qrCode && qr.csc) {
          onCsc(ctx, qr.csc);
          // planNfe refused the document when the UF has no QR code address.
          qrCode = buildQrCodeV2Online({ baseUrl: qrCodeBaseUrl(uf, ctx.tpAmb) ?? '', chave, tpAmb: ctx.tpAmb, idCsc: qr.csc.cscId, csc: qr.csc.csc });
        }
        return { qrCode: qrCode ?? '', urlChave: qr.urlChave };
      });
      const signed = await renderSigned(ctx, draft, { nNF: String(doc.numero), cNF: doc.cNF, dhEmi, tpEmis: '1' }, cert, supplement);
      if (signed.chave !== doc.chave) throw new Error(`chave renderizada ${signed.chave} difere da numerada ${doc.chave}`);
      return signed;
    },
  };
}

async function offlineQrInputs(ctx: CompanyContext, draft: NfeDraft, uf: string): Promise<{ csc: Csc; baseUrl: string; urlChave: string } | null> {
  const csc = await ctx.store.getCompanyCsc(ctx.company.id);
  const baseUrl = qrCodeBaseUrl(uf, ctx.tpAmb);
  const urlChave = draft.infSuplem?.urlChave ?? urlChaveConsulta(uf, ctx.tpAmb);
  return csc && baseUrl && urlChave ? { csc, baseUrl, urlChave } : null;
}

export async function renderNfeForContingency(ctx: CompanyContext, draft: NfeDraft, doc: DocumentRecord, uf: string, tpEmis: ContingencyTpEmis): Promise<RenditionOutcome> {
  if (!doc.dhEmi || !doc.cNF) return { ok: false, unavailable: 'documento sem dhEmi/cNF gravados' };
  const { cert } = await ctx.certificate();
  const dhEmi = formatDateTime(doc.dhEmi, draft.fusoHorario ?? ufOffset(uf));
  // An NFC-e in contingency carries the off-line QR code: the CSC and the UF's addresses are needed.
  const o = draft.modelo === '65' ? await offlineQrInputs(ctx, draft, uf) : undefined;
  if (o === null) return { ok: false, unavailable: TEXT_OFFLINE_QR };
  let missingDigest = false;
  const qr = o && ((chave: string, digestValue: string | undefined) => {
    if (!digestValue) {
      missingDigest = true;
      return { qrCode: '', urlChave: o.urlChave };
    }
    onCsc(ctx, o.csc);
    const qrCode = buildQrCodeV2Offline({ baseUrl: o.baseUrl, chave, tpAmb: ctx.tpAmb, idCsc: o.csc.cscId, csc: o.csc.csc, dhEmi, vNF: draft.vNF, digestValue });
    return { qrCode, urlChave: o.urlChave };
  });
  const signed = await renderSigned(ctx, draft, {
    nNF: String(doc.numero), cNF: doc.cNF, dhEmi, tpEmis,
    dhCont: formatDateTime(ctx.now(), ufOffset(uf)), xJust: ctx.deps.contingency?.xJust ?? TEXT.xJustContingencia,
  }, cert, qr);
  if (missingDigest) return { ok: false, unavailable: TEXT_OFFLINE_QR };
  const invalid = await schemaErrors(ctx, signed.xmlSigned);
  if (invalid) return { ok: false, schema: invalid };
  return { ok: true, signed: { ...signed, tpEmis } };
}
