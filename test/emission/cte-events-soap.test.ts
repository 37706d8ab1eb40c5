// The CT-e events through SOAP (EnvioEvento with InvoiCy's CT-e layouts) → gateway → simulator: the
// emitter's cancel, CC-e (the corrected CT-e compared with the authorised one), comprovante de entrega
// and its cancellation, the tomador's desacordo and its cancellation sent by a second company; each
// accepted and refused, and the consulta with Eventos listing them.
import { createHash } from 'node:crypto';
import { startHarness, type Harness, type ReplyDocument, type TestCompany } from '../support/harness';
import { cteFor } from '../support/cte';
import { decodeB64, ourVerify } from '../support/checks';
import { formatDateTime } from '../../src/fiscal/datetime';
import { sit } from './jobs-support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

/** A local date-time at -03:00 (RS), as an ERP writes EveDh. */
const localNow = () => formatDateTime(new Date(), '-03:00').slice(0, 19);

interface CteEvento {
  as?: TestCompany;
  numero: number;
  serie?: number;
  chave?: string;
  tp: string;
  seq?: number;
  det: string;
}

/** InvoiCy's CT-e EnvioEvento (Eventos/Layouts/CTe 4.00). */
function eventoCte(o: CteEvento): string {
  const as = o.as ?? h.main;
  return (
    `<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><Evento><CteCnpjEmissor>${as.cnpj}</CteCnpjEmissor>` +
    `<CteNumero>${o.numero}</CteNumero><CteSerie>${o.serie ?? 1}</CteSerie><tpAmb>2</tpAmb>${o.chave ? `<ChaAcesso>${o.chave}</ChaAcesso>` : ''}` +
    `<EveInf><EveDh>${localNow()}</EveDh><EveFusoHorario>-03:00</EveFusoHorario>` +
    `<EveTp>${o.tp}</EveTp>${o.seq !== undefined ? `<EvenSeq>${o.seq}</EvenSeq>` : ''}<Evedet>${o.det}</Evedet></EveInf></Evento></EnvioEvento>`
  );
}

const CANCEL = '<EveDesc>Cancelamento</EveDesc><EvexJust>cancelamento do CT-e solicitado em teste</EvexJust>';
const IMAGE = Buffer.from(Uint8Array.from({ length: 16 }, (_, i) => i)).toString('base64');

function comprovanteDet(inner: string): string {
  const now = localNow();
  return `<EveDesc>Comprovante de Entrega do CT-e</EveDesc><CompEntrega><dhEntrega>${now}</dhEntrega><FusoEntrega>-03:00</FusoEntrega>` +
    `<nDoc>12345678</nDoc><xNome>Maria Recebedora</xNome><latitude>-27.86882359</latitude><longitude>-53.9851</longitude>` +
    `<dhHashEntrega>${now}</dhHashEntrega><FusoHashEntrega>-03:00</FusoHashEntrega>${inner}</CompEntrega>`;
}

async function send(xml: string, as?: TestCompany): Promise<ReplyDocument> {
  const reply = await h.call([xml], { as });
  return reply.documentos[0] ?? { raw: reply.raw };
}

async function authorise(n: number, o: { serie?: number; as?: TestCompany; tomador?: string } = {}): Promise<ReplyDocument> {
  let xml = cteFor(o.as ?? h.main, 'RS', n, { serie: o.serie ?? 1 });
  if (o.tomador) xml = xml.replace(/<CPF_toma>[^<]*<\/CPF_toma>/, `<CNPJ_toma>${o.tomador}</CNPJ_toma>`);
  const d = await send(xml, o.as);
  if (sit(d).SitCodigo !== '100') throw new Error(`CT-e ${n} não autorizado: ${JSON.stringify(d)}`);
  return d;
}

function proc(d: ReplyDocument): string {
  return decodeB64(d.DocXMLBase64);
}

test('110111 cancel: 135 with procEventoCTe in DocXMLBase64, the CT-e Cancelado; a resend gets the stored answer, another text 573, a comprovante 218', async () => {
  const cte = await authorise(1, { serie: 11 });
  const chave = String(cte.DocChaAcesso);
  const d = await send(eventoCte({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(d)).toEqual({ SitCodigo: '135', SitDescricao: expect.stringMatching(/Evento registrado/) as string });
  expect(d).toMatchObject({ DocModelo: 'CTe', DocEvenSeq: '1', DocEveTp: '110111', DocEveId: `110111${chave}1`, DocChaAcesso: chave });
  expect(String(d.DocProtocolo)).toMatch(/^\d{15}$/);
  const xml = proc(d);
  expect(xml).toMatch(/^<\?xml[^>]*\?><procEventoCTe xmlns="http:\/\/www.portalfiscal.inf.br\/cte" versao="4.00"><eventoCTe/);
  expect(xml).toContain(`<evCancCTe><descEvento>Cancelamento</descEvento><nProt>${String(cte.DocProtocolo)}</nProt>`);
  // RS has its own CT-e authorizer: cOrgao 43; the sequence padded to 3 digits in the Id.
  expect(xml).toContain(`<infEvento Id="ID110111${chave}001"><cOrgao>43</cOrgao>`);
  const signed = /<eventoCTe[\s>][\s\S]*<\/eventoCTe>/.exec(xml)![0];
  expect(ourVerify(signed, h.sim.ca.certPem, 'infEvento')).toMatchObject({ ok: true });
  expect((await h.store.findDocumentByChave(h.main.company.id, chave))?.docStatus).toBe(5);

  const again = await send(eventoCte({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL }));
  expect(again).toMatchObject({ DocProtocolo: d.DocProtocolo, Situacao: { SitCodigo: '135' } });
  const other = await send(eventoCte({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL.replace('em teste', 'em outro teste') }));
  expect(sit(other).SitCodigo).toBe('573');
  const late = await send(eventoCte({ numero: 1, serie: 11, tp: '110180', seq: 1, det: comprovanteDet(`<imagemEntrega>${IMAGE}</imagemEntrega>`) }));
  expect(sit(late)).toEqual({ SitCodigo: '218', SitDescricao: expect.stringMatching(/cancelado/) as string });
}, 60_000);

test('110180 comprovante from the image: hashEntrega = Base64(SHA-1(chave + Base64(image))); the cancel then refused 862 until 110181', async () => {
  const cte = await authorise(1, { serie: 12 });
  const chave = String(cte.DocChaAcesso);
  const d = await send(eventoCte({ numero: 1, serie: 12, tp: '110180', seq: 1, det: comprovanteDet(`<imagemEntrega>${IMAGE}</imagemEntrega>`) }));
  expect(sit(d).SitCodigo).toBe('135');
  const expected = createHash('sha1').update(chave + IMAGE, 'ascii').digest('base64');
  const xml = proc(d);
  expect(xml).toContain(`<hashEntrega>${expected}</hashEntrega>`);
  expect(xml).toContain('<latitude>-27.868824</latitude><longitude>-53.985100</longitude>');
  expect(xml).toContain(`<nProt>${String(cte.DocProtocolo)}</nProt>`);

  const blocked = await send(eventoCte({ numero: 1, serie: 12, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(blocked)).toEqual({ SitCodigo: '862', SitDescricao: expect.stringContaining(String(d.DocProtocolo)) });

  const second = await send(eventoCte({ numero: 1, serie: 12, tp: '110180', seq: 2, det: comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  expect(sit(second).SitCodigo).toBe('870');

  const cancelCe = await send(eventoCte({ numero: 1, serie: 12, tp: '110181', seq: 1, det: '<EveDesc>Cancelamento do Comprovante de Entrega do CT-e</EveDesc>' }));
  expect(sit(cancelCe).SitCodigo).toBe('135');
  expect(proc(cancelCe)).toContain(`<nProtCE>${String(d.DocProtocolo)}</nProtCE>`);
  const none = await send(eventoCte({ numero: 1, serie: 12, tp: '110181', seq: 2, det: '<EveDesc>Cancelamento do Comprovante de Entrega do CT-e</EveDesc>' }));
  expect(sit(none).SitCodigo).toBe('866');

  const ready = await send(eventoCte({ numero: 1, serie: 12, tp: '110180', seq: 2, det: comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  expect(sit(ready).SitCodigo).toBe('135');
  expect(proc(ready)).toContain('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>');
}, 60_000);

/** InvoiCy's CC-e layout: the CT-e as authorised (cteFor) with the corrected values, EveDh in ide. */
function cceLayout(n: number, serie: number, edit: (xml: string) => string): string {
  const cte = edit(cteFor(h.main, 'RS', n, { serie }));
  return cte.replace(/^\s*<Envio>/, '<EnvioEvento>').replace(/<\/Envio>\s*$/, '</EnvioEvento>').replace('<ide>', `<ide><EveDh>${localNow()}</EveDh>`);
}

test('110110 CC-e: one infCorrecao per changed field, each new CC-e repeating the earlier ones; 681 field by field before sending; the cancel then 523', async () => {
  const cte = await authorise(1, { serie: 13 });
  const first = await send(cceLayout(1, 13, (x) => x.replace('<xObs>Pagar em qualquer lugar</xObs>', '<xObs>Pagar somente na entrega</xObs>')));
  expect(sit(first).SitCodigo).toBe('135');
  expect(first).toMatchObject({ DocEveTp: '110110', DocEvenSeq: '1', DocChaAcesso: cte.DocChaAcesso });
  const correction = '<infCorrecao><grupoAlterado>compl</grupoAlterado><campoAlterado>xObs</campoAlterado><valorAlterado>Pagar somente na entrega</valorAlterado></infCorrecao>';
  expect(proc(first)).toContain(`<evCCeCTe><descEvento>Carta de Correcao</descEvento>${correction}<xCondUso>`);

  const second = await send(cceLayout(1, 13, (x) => x.replace('<xCaracAd>Encomenda</xCaracAd>', '<xCaracAd>Carga fragil</xCaracAd>')));
  expect(sit(second).SitCodigo).toBe('135');
  expect(second).toMatchObject({ DocEvenSeq: '2' });
  expect(proc(second)).toContain(
    `<descEvento>Carta de Correcao</descEvento>${correction}` +
    '<infCorrecao><grupoAlterado>compl</grupoAlterado><campoAlterado>xCaracAd</campoAlterado><valorAlterado>Carga fragil</valorAlterado></infCorrecao><xCondUso>',
  );

  const doc = await h.store.findDocumentByChave(h.main.company.id, String(cte.DocChaAcesso));
  const before = (await h.store.listEvents(h.main.company.id, doc!.id)).length;
  const forbidden = await send(cceLayout(1, 13, (x) => x.replace('<natOp>Frete de mercadorias</natOp>', '<natOp>Frete de encomendas</natOp>')
    .replace('<vTPrest>32321.23</vTPrest>', '<vTPrest>32000.00</vTPrest>').replace(/<vRec>[^<]*<\/vRec>/, '<vRec>32000.00</vRec>')));
  expect(sit(forbidden)).toEqual({ SitCodigo: '681', SitDescricao: expect.stringMatching(/vPrest\/vTPrest não pode ser alterado.*; .*vPrest\/vRec não pode ser alterado/) as string });
  expect((await h.store.listEvents(h.main.company.id, doc!.id)).length).toBe(before);

  const nothing = await send(cceLayout(1, 13, (x) => x));
  expect(sit(nothing)).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(/não há o que corrigir/) as string });

  const cancel = await send(eventoCte({ numero: 1, serie: 13, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(cancel)).toEqual({ SitCodigo: '523', SitDescricao: expect.stringMatching(/Carta de Correção/) as string });
}, 60_000);

const DESACORDO = '<EveDesc>Prestação do Serviço em Desacordo</EveDesc><PrestDesacordo><indDesacordo>1</indDesacordo></PrestDesacordo>';
const CANCEL_DESACORDO = '<EveDesc>Cancelamento Prestação do Serviço em Desacordo</EveDesc>';

test('610110 / 610111 sent by a second company as tomador of the CT-e: its CNPJ and certificate, xObs by default; 755 for a company that is not the tomador; 866 with no active desacordo', async () => {
  const tomador = await h.addCompany();
  const cte = await authorise(1, { serie: 14, tomador: tomador.cnpj });
  const chave = String(cte.DocChaAcesso);

  const d = await send(eventoCte({ as: tomador, numero: 1, serie: 14, chave, tp: '610110', seq: 1, det: DESACORDO }), tomador);
  expect(sit(d).SitCodigo).toBe('135');
  expect(d).toMatchObject({ DocModelo: 'CTe', DocEveTp: '610110', DocChaAcesso: chave, DocEveId: `610110${chave}1` });
  const xml = proc(d);
  expect(xml).toContain(`<CNPJ>${tomador.cnpj}</CNPJ><chCTe>${chave}</chCTe>`);
  expect(xml).toContain('<indDesacordoOper>1</indDesacordoOper><xObs>Prestacao do servico em desacordo com o informado no CT-e</xObs>');
  const signed = /<eventoCTe[\s>][\s\S]*<\/eventoCTe>/.exec(xml)![0];
  expect(ourVerify(signed, h.sim.ca.certPem, 'infEvento')).toMatchObject({ ok: true });
  // The CT-e stays the emitter's: the tomador only holds a reference outside its numbering.
  expect(await h.store.findDocumentByChave(h.main.company.id, chave)).toMatchObject({ docStatus: 2 });

  const stranger = await h.addCompany();
  // Its own sequence 2: SEFAZ would answer 631 to a second sequence 1 of the event for the key.
  const refused = await send(eventoCte({ as: stranger, numero: 1, serie: 14, chave, tp: '610110', seq: 2, det: DESACORDO }), stranger);
  expect(sit(refused).SitCodigo).toBe('755');
  const byEmitter = await send(eventoCte({ numero: 1, serie: 14, chave, tp: '610110', seq: 1, det: DESACORDO }));
  expect(sit(byEmitter)).toEqual({ SitCodigo: '755', SitDescricao: expect.stringContaining(tomador.cnpj) as string });

  const cancel = await send(eventoCte({ as: tomador, numero: 1, serie: 14, chave, tp: '610111', seq: 1, det: CANCEL_DESACORDO }), tomador);
  expect(sit(cancel).SitCodigo).toBe('135');
  expect(proc(cancel)).toContain(`<nProtEvPrestDes>${String(d.DocProtocolo)}</nProtEvPrestDes>`);
  const none = await send(eventoCte({ as: tomador, numero: 1, serie: 14, chave, tp: '610111', seq: 2, det: CANCEL_DESACORDO }), tomador);
  expect(sit(none).SitCodigo).toBe('866');
}, 60_000);

function consulta(as: TestCompany, chave: string): string {
  return `<Consulta><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${as.cnpj}</CnpjEmissor><ChaveAcesso>${chave}</ChaveAcesso></Consulta>`;
}
const EVENTOS = '<ParametrosConsulta><Situacao>S</Situacao><XMLCompleto>S</XMLCompleto><Eventos>S</Eventos></ParametrosConsulta>';

test('consulta with Eventos lists the CT-e events, with their procEventoCTe', async () => {
  const cte = await authorise(1, { serie: 15 });
  const chave = String(cte.DocChaAcesso);
  const ce = await send(eventoCte({ numero: 1, serie: 15, tp: '110180', seq: 1, det: comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  const cancelCe = await send(eventoCte({ numero: 1, serie: 15, tp: '110181', seq: 1, det: `<nProtCE>${String(ce.DocProtocolo)}</nProtCE>` }));
  expect([sit(ce).SitCodigo, sit(cancelCe).SitCodigo]).toEqual(['135', '135']);
  const reply = await h.call([consulta(h.main, chave)], { parametros: [EVENTOS] });
  const d = reply.documentos[0]!;
  expect(d).toMatchObject({ DocModelo: 'CTe', DocChaAcesso: chave, DocStatus: '2' });
  const ev = (d.Eventos as { EventosItem: Record<string, unknown>[] }).EventosItem;
  expect(ev.map((e) => [e.DocEveTp, e.DocEvenSeq, e.cStat])).toEqual([['110180', '1', '135'], ['110181', '1', '135']]);
  expect(decodeB64(ev[1]!.DocEveXML)).toContain('<procEventoCTe');
}, 60_000);
