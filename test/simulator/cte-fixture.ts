// Signed CT-e 4.00 for the simulator's CT-e tests, built from the real CT-e in
// ../shared/samples/sefaz/cte.xml (layout 1.04): its signature stripped, re-keyed to the test emitter
// and UF, moved to the 4.00 layout (no forPag, toma3, indIEToma, CRT, infDoc with NF-e keys, the
// 4.00 rodoviário modal, infCTeSupl) and signed on infCte with a certificate of the test CA. Events
// are written by the gateway's own builders (src/sefaz/cte-messages.ts) and signed the same way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildChave } from '../../src/fiscal/chave';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { formatDateTime } from '../../src/fiscal/datetime';
import { ufCode, ufOffset } from '../../src/fiscal/ufs';
import { SefazClient } from '../../src/sefaz/client';
import { eventoCTe } from '../../src/sefaz/cte-messages';
import { createEndpointResolver } from '../../src/sefaz/endpoints';
import { SefazTransport, type SefazCredentials } from '../../src/sefaz/transport';
import { stripXmlDeclaration } from '../../src/sefaz/xml-text';
import { signXml } from '../../src/signing/xmldsig';
import type { IssuedCertificate } from '../../src/signing/testca';
import type { RunningSimulator } from '../../src/simulator/server';

export const CTE_EMIT_CNPJ = withCnpjCheckDigits('445566770001');
/** The sample's destinatário, tomador of the CT-e (toma3 = 3). */
export const CTE_TOMA_CNPJ = '37442605000142';
export const NFE_KEY = '51121006145774000197550010000000131004100705';

const SAMPLE = readFileSync(path.resolve(__dirname, '../../../shared/samples/sefaz/cte.xml'), 'utf8');

export interface CteParams {
  nCT: number;
  uf?: string;
  cnpj?: string;
  serie?: number;
  cCT?: string;
  tpEmis?: string;
  tpAmb?: string;
  tpCTe?: string;
  dhEmi?: Date;
  /** Rodoviário RNTRC (8 digits or ISENTO; anything else fails the modal schema). */
  rntrc?: string;
  /** cDV written in ide (default: the key's). */
  cDV?: string;
  /** infCteSub/chCte: the CT-e a substitute (tpCTe 3) replaces. */
  sub?: string;
}

export interface BuiltCte {
  chave: string;
  xml: string;
  dhEmi: string;
}

/** The sample as minified text without its signature and declaration. */
function sampleBody(): string {
  return stripXmlDeclaration(SAMPLE).replace(/>\s+</g, '><').replace(/<Signature[\s\S]*<\/Signature>/, '').trim();
}

function setText(xml: string, tag: string, value: string): string {
  return xml.replace(new RegExp(`<${tag}>[^<]*</${tag}>`), `<${tag}>${value}</${tag}>`);
}

/** Unsigned CT-e 4.00 from the sample. */
export function buildCte(p: CteParams): BuiltCte {
  const uf = p.uf ?? 'MT';
  const cUF = ufCode(uf);
  const cnpj = p.cnpj ?? CTE_EMIT_CNPJ;
  const serie = p.serie ?? 1;
  const tpEmis = p.tpEmis ?? '1';
  const tpAmb = p.tpAmb ?? '2';
  const cCT = p.cCT ?? '00410070';
  const dhEmi = formatDateTime(p.dhEmi ?? new Date(Date.now() - 60_000), ufOffset(uf));
  const chave = buildChave({ cUF, aamm: dhEmi.slice(2, 4) + dhEmi.slice(5, 7), cnpj, mod: '57', serie, nNF: p.nCT, tpEmis, cNF: cCT });
  let xml = sampleBody()
    .replace(/<infCte Id="[^"]*" versao="1.04">/, `<infCte versao="4.00" Id="CTe${chave}">`)
    .replace('<forPag>0</forPag>', '')
    .replace('<toma03><toma>3</toma></toma03>', '<indIEToma>9</indIEToma><toma3><toma>3</toma></toma3>')
    .replace('<fluxo/>', '')
    .replace('</enderEmit>', '</enderEmit><CRT>3</CRT>')
    .replace('<IE/>', '')
    .replace(/<infOutros>[\s\S]*?<\/infOutros>/, '')
    .replace(/<infModal versaoModal="1.04"><rodo>[\s\S]*?<\/rodo><\/infModal>/,
      `<infDoc><infNFe><chave>${NFE_KEY}</chave></infNFe></infDoc>` +
      `<infModal versaoModal="4.00"><rodo><RNTRC>${p.rntrc ?? '44954076'}</RNTRC></rodo></infModal>` +
      (p.sub === undefined ? '' : `<infCteSub><chCte>${p.sub}</chCte></infCteSub>`));
  xml = xml.replace(/<emit><CNPJ>[^<]*<\/CNPJ>/, `<emit><CNPJ>${cnpj}</CNPJ>`);
  const ide: [string, string][] = [
    ['cUF', cUF], ['cCT', cCT], ['serie', String(serie)], ['nCT', String(p.nCT)], ['dhEmi', dhEmi], ['tpEmis', tpEmis],
    ['cDV', p.cDV ?? chave[43]], ['tpAmb', tpAmb], ['tpCTe', p.tpCTe ?? '0'], ['procEmi', '0'],
  ];
  for (const [tag, value] of ide) xml = setText(xml, tag, value);
  if (tpEmis !== '1') xml = xml.replace('</toma3>', `</toma3><dhCont>${dhEmi}</dhCont><xJust>Falha de comunicacao com a SEFAZ autorizadora</xJust>`);
  const qr = `https://homologacao.sefaz.mt.gov.br/cte/qrcode?chCTe=${chave}&amp;tpAmb=${tpAmb}`;
  xml = xml.replace('</infCte></CTe>', `</infCte><infCTeSupl><qrCodCTe>${qr}</qrCodCTe></infCTeSupl></CTe>`);
  return { chave, xml, dhEmi };
}

export function signCte(xml: string, cert: IssuedCertificate): Promise<string> {
  return signXml(xml, { tag: 'infCte', keyPem: cert.keyPem, certPem: cert.certPem });
}

export interface CteEventParams {
  chave: string;
  tpEvento: string;
  det: string;
  nSeq?: number;
  cOrgao?: string;
  author?: string;
  dhEvento?: Date;
  tpAmb?: string;
}

/** A signed eventoCTe; cOrgao defaults to the key's UF (right for the UFs with their own authorizer). */
export function signedCteEvent(p: CteEventParams, cert: IssuedCertificate): Promise<string> {
  const xml = eventoCTe({
    cOrgao: p.cOrgao ?? p.chave.slice(0, 2), tpAmb: p.tpAmb ?? '2', cnpj: p.author ?? p.chave.slice(6, 20), chCTe: p.chave,
    dhEvento: formatDateTime(p.dhEvento ?? new Date(), '-03:00'), tpEvento: p.tpEvento, nSeqEvento: p.nSeq ?? 1, detEventoInnerXml: p.det,
  });
  return signXml(xml, { tag: 'infEvento', keyPem: cert.keyPem, certPem: cert.certPem });
}

/** The gateway's own SEFAZ client pointed at a running simulator, with the emitter's credentials. */
export function cteClient(sim: RunningSimulator, cert: IssuedCertificate): { client: SefazClient; transport: SefazTransport; creds: SefazCredentials } {
  const transport = new SefazTransport({ trust: { mode: 'simulator', caPem: sim.ca.certPem } });
  const client = new SefazClient(createEndpointResolver({ mode: 'simulator', baseUrl: sim.httpsUrl }), transport);
  return { client, transport, creds: credentialsOf(cert) };
}

export function credentialsOf(cert: IssuedCertificate): SefazCredentials {
  return { key: cert.keyPem, cert: cert.certPem, fingerprint: createHash('sha1').update(cert.certPem).digest('hex') };
}
