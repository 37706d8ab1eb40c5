// The Ambiente Nacional's RecepcaoEvento for the destinatário's manifestação (cOrgao 91) over mutual-TLS
// HTTPS: 135, the DF-e distribution it feeds and the optional listener, then each rule of
// fiscal/manifestacao.ts as the simulator applies it (575, 594, 650/651, 573, 655, 596 with the clock
// moved), the signature, and that only the AN takes these events.
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { ManifestacaoRegistered } from '../../src/simulator/context';
import type { IssuedCertificate } from '../../src/signing/testca';
import {
  buildNfe, call, companyCert, DEST_CNPJ, EMIT_CNPJ, detCancel, enviNFe, envEvento, evento, OTHER_CNPJ, SCHEMAS_DIR, sign, tagValue,
} from './helpers';

const DAY = 86_400_000;
let sim: RunningSimulator;
let emitCert: IssuedCertificate;
let destCert: IssuedCertificate;
let otherCert: IssuedCertificate;
let nextNumber = 7000;
let clockOffsetMs = 0;
const heard: ManifestacaoRegistered[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    schemasDir: SCHEMAS_DIR, now: () => new Date(Date.now() + clockOffsetMs), listeners: { manifestacaoRegistered: (e) => heard.push(e) },
  });
  emitCert = companyCert(sim.ca);
  destCert = companyCert(sim.ca, DEST_CNPJ);
  otherCert = companyCert(sim.ca, OTHER_CNPJ);
});
afterAll(async () => sim.close());
afterEach(() => {
  clockOffsetMs = 0;
});

const DESC: Record<string, string> = {
  '210200': 'Confirmacao da Operacao', '210210': 'Ciencia da Operacao', '210220': 'Desconhecimento da Operacao', '210240': 'Operacao nao Realizada',
};

function det(tpEvento: string): string {
  const xJust = tpEvento === '210240' ? '<xJust>mercadoria nao foi entregue ao destinatario</xJust>' : '';
  return `<descEvento>${DESC[tpEvento]}</descEvento>${xJust}`;
}

/** An NF-e authorised at SP for DEST_CNPJ; its key and protocol. */
async function authorized(): Promise<{ chave: string; nProt: string }> {
  const nfe = buildNfe({ nNF: nextNumber++, destCnpj: DEST_CNPJ });
  const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', emitCert)], '1'), { cert: emitCert });
  expect(r.cStats).toEqual(['104', '100']);
  return { chave: nfe.chave, nProt: tagValue(r.body, 'nProt') ?? '' };
}

async function manifest(chave: string, tpEvento: string, o: { nSeq?: number; cert?: IssuedCertificate; cnpj?: string; path?: string; cOrgao?: string } = {}) {
  const cert = o.cert ?? destCert;
  const ev = evento({ chave, tpEvento, nSeq: o.nSeq, cOrgao: o.cOrgao ?? '91', cnpj: o.cnpj ?? DEST_CNPJ, det: det(tpEvento), dhEvento: new Date(Date.now() + clockOffsetMs) }, cert);
  return call(sim.httpsUrl, sim.ca, o.path ?? '/AN/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([await ev]), { cert });
}

test.each([
  ['210200', 1], ['210210', 1], ['210220', 0], ['210240', 1],
])('%s by the destinatário: 135 at the AN, the listener hears it, the DF-e lists get %i nfeProc for it and its procEventoNFe for the emitter', async (tpEvento, released) => {
  const { chave } = await authorized();
  const nsus = () => [sim.dfe.position({ doc: DEST_CNPJ }).maxNSU, sim.dfe.position({ doc: EMIT_CNPJ }).maxNSU];
  const [dest, emit] = nsus();
  const r = await manifest(chave, tpEvento);
  expect(nsus()).toEqual([dest + released, emit + 1]);
  expect(r.cStats).toEqual(['128', '135']);
  expect(tagValue(r.body, 'cOrgao')).toBe('91');
  expect(tagValue(r.body, 'xEvento')).toBe(DESC[tpEvento]);
  expect(tagValue(r.body, 'nProt')).toMatch(/^891\d{12}$/);
  expect(heard.filter((e) => e.chave === chave)).toEqual([{ tpAmb: '2', chave, destDoc: DEST_CNPJ, tpEvento, procEventoXml: expect.stringMatching(new RegExp(`^<procEventoNFe[\\s\\S]*<tpEvento>${tpEvento}</tpEvento>[\\s\\S]*<cStat>135</cStat>`)) }]);
  // The UF's consulta shows it with the NF-e.
  const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4',
    `<consSitNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><tpAmb>2</tpAmb><xServ>CONSULTAR</xServ><chNFe>${chave}</chNFe></consSitNFe>`, { cert: destCert });
  expect(c.body).toContain(`<tpEvento>${tpEvento}</tpEvento>`);
});

test('575: the author is not the destinatário (not even the emitter)', async () => {
  const { chave } = await authorized();
  expect((await manifest(chave, '210210', { cert: otherCert, cnpj: OTHER_CNPJ })).cStats).toEqual(['128', '575']);
  expect((await manifest(chave, '210200', { cert: emitCert, cnpj: EMIT_CNPJ })).cStats).toEqual(['128', '575']);
  expect(heard.filter((e) => e.chave === chave)).toEqual([]);
});

test('594 above the limit: ciência once, each conclusive event twice', async () => {
  const { chave } = await authorized();
  expect((await manifest(chave, '210210', { nSeq: 2 })).cStats).toEqual(['128', '594']);
  expect((await manifest(chave, '210200', { nSeq: 1 })).cStats).toEqual(['128', '135']);
  expect((await manifest(chave, '210200', { nSeq: 2 })).cStats).toEqual(['128', '135']);
  expect((await manifest(chave, '210200', { nSeq: 3 })).cStats).toEqual(['128', '594']);
});

test('573 for the same event and sequence; 655 for a ciência after a conclusive event', async () => {
  const { chave } = await authorized();
  expect((await manifest(chave, '210210')).cStats).toEqual(['128', '135']);
  expect((await manifest(chave, '210210')).cStats).toEqual(['128', '573']);
  expect((await manifest(chave, '210220')).cStats).toEqual(['128', '135']);
  const other = await authorized();
  expect((await manifest(other.chave, '210240')).cStats).toEqual(['128', '135']);
  expect((await manifest(other.chave, '210210')).cStats).toEqual(['128', '655']);
});

test('650/651 for a cancelled NF-e; 217 for an unknown key', async () => {
  const { chave, nProt } = await authorized();
  const cancel = await evento({ chave, tpEvento: '110111', det: detCancel(nProt) }, emitCert);
  expect((await call(sim.httpsUrl, sim.ca, '/SP/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([cancel]), { cert: emitCert })).cStats).toEqual(['128', '135']);
  expect((await manifest(chave, '210210')).cStats).toEqual(['128', '650']);
  expect((await manifest(chave, '210220')).cStats).toEqual(['128', '651']);
  expect((await manifest(buildNfe({ nNF: nextNumber++, destCnpj: DEST_CNPJ }).chave, '210210')).cStats).toEqual(['128', '217']);
});

test('596 out of deadline: ciência after 10 days, conclusive after 180 days (the clock moved)', async () => {
  const { chave } = await authorized();
  clockOffsetMs = 10 * DAY + 60_000;
  expect((await manifest(chave, '210210')).cStats).toEqual(['128', '596']);
  expect((await manifest(chave, '210220')).cStats).toEqual(['128', '135']);
  clockOffsetMs = 0;
  const late = await authorized();
  clockOffsetMs = 180 * DAY + 60_000;
  expect((await manifest(late.chave, '210200')).cStats).toEqual(['128', '596']);
});

test('the signature is verified like any event; only the AN (cOrgao 91) takes a manifestação', async () => {
  const { chave } = await authorized();
  const signed = await evento({ chave, tpEvento: '210210', cOrgao: '91', cnpj: DEST_CNPJ, det: det('210210') }, destCert);
  const tampered = signed.replace('<nSeqEvento>1</nSeqEvento>', '<nSeqEvento>01</nSeqEvento>');
  const r = await call(sim.httpsUrl, sim.ca, '/AN/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([tampered]), { cert: destCert });
  expect(r.cStats).toEqual(['128', '297']);
  expect((await manifest(chave, '210210', { path: '/SP/NFeRecepcaoEvento4', cOrgao: '35' })).cStats).toEqual(['128', '491']);
  expect((await manifest(chave, '210210', { cOrgao: '35' })).cStats).toEqual(['128', '226']);
  expect(heard.filter((e) => e.chave === chave)).toEqual([]);
});
