// The CT-e events through SOAP (EnvioEvento with InvoiCy's CT-e layouts) → gateway → simulator: the
// emitter's cancel, CC-e (the corrected CT-e compared with the authorised one), comprovante de entrega
// and its cancellation, the tomador's desacordo and its cancellation sent by a second company; each
// accepted and refused, and the consulta with Eventos listing them.
import { createHash } from 'node:crypto';
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { decodeB64, ourVerify } from '../support/checks';
import { sit } from './jobs-support';
import { CANCEL, CANCEL_DESACORDO, cteEvents, DESACORDO, IMAGE, proc } from './cte-event-support';

let h: Harness;
let ev: ReturnType<typeof cteEvents>;
beforeAll(async () => {
  h = await startHarness();
  ev = cteEvents(h);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

test('110111 cancel: 135 with procEventoCTe in DocXMLBase64, the CT-e Cancelado; a resend gets the stored answer, another text 573, a comprovante 218', async () => {
  const cte = await ev.authorise(1, { serie: 11 });
  const chave = String(cte.DocChaAcesso);
  const d = await ev.send(ev.evento({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL }));
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

  const again = await ev.send(ev.evento({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL }));
  expect(again).toMatchObject({ DocProtocolo: d.DocProtocolo, Situacao: { SitCodigo: '135' } });
  const other = await ev.send(ev.evento({ numero: 1, serie: 11, tp: '110111', seq: 1, det: CANCEL.replace('em teste', 'em outro teste') }));
  expect(sit(other).SitCodigo).toBe('573');
  const late = await ev.send(ev.evento({ numero: 1, serie: 11, tp: '110180', seq: 1, det: ev.comprovanteDet(`<imagemEntrega>${IMAGE}</imagemEntrega>`) }));
  expect(sit(late)).toEqual({ SitCodigo: '218', SitDescricao: expect.stringMatching(/cancelado/) as string });
}, 60_000);

test('110180 comprovante from the image: hashEntrega = Base64(SHA-1(chave + Base64(image))); the cancel then refused 862 until 110181', async () => {
  const cte = await ev.authorise(1, { serie: 12 });
  const chave = String(cte.DocChaAcesso);
  const d = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110180', seq: 1, det: ev.comprovanteDet(`<imagemEntrega>${IMAGE}</imagemEntrega>`) }));
  expect(sit(d).SitCodigo).toBe('135');
  const expected = createHash('sha1').update(chave + IMAGE, 'ascii').digest('base64');
  const xml = proc(d);
  expect(xml).toContain(`<hashEntrega>${expected}</hashEntrega>`);
  expect(xml).toContain('<latitude>-27.868824</latitude><longitude>-53.985100</longitude>');
  expect(xml).toContain(`<nProt>${String(cte.DocProtocolo)}</nProt>`);

  const blocked = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(blocked)).toEqual({ SitCodigo: '862', SitDescricao: expect.stringContaining(String(d.DocProtocolo)) });

  const second = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110180', seq: 2, det: ev.comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  expect(sit(second).SitCodigo).toBe('870');

  const cancelCe = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110181', seq: 1, det: '<EveDesc>Cancelamento do Comprovante de Entrega do CT-e</EveDesc>' }));
  expect(sit(cancelCe).SitCodigo).toBe('135');
  expect(proc(cancelCe)).toContain(`<nProtCE>${String(d.DocProtocolo)}</nProtCE>`);
  const none = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110181', seq: 2, det: '<EveDesc>Cancelamento do Comprovante de Entrega do CT-e</EveDesc>' }));
  expect(sit(none).SitCodigo).toBe('866');

  const ready = await ev.send(ev.evento({ numero: 1, serie: 12, tp: '110180', seq: 2, det: ev.comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  expect(sit(ready).SitCodigo).toBe('135');
  expect(proc(ready)).toContain('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>');
}, 60_000);

test('110110 CC-e: one infCorrecao per changed field, each new CC-e repeating the earlier ones; 681 field by field before sending; the cancel then 523', async () => {
  const cte = await ev.authorise(1, { serie: 13 });
  const first = await ev.send(ev.cceLayout(1, 13, (x) => x.replace('<xObs>Pagar em qualquer lugar</xObs>', '<xObs>Pagar somente na entrega</xObs>')));
  expect(sit(first).SitCodigo).toBe('135');
  expect(first).toMatchObject({ DocEveTp: '110110', DocEvenSeq: '1', DocChaAcesso: cte.DocChaAcesso });
  const correction = '<infCorrecao><grupoAlterado>compl</grupoAlterado><campoAlterado>xObs</campoAlterado><valorAlterado>Pagar somente na entrega</valorAlterado></infCorrecao>';
  expect(proc(first)).toContain(`<evCCeCTe><descEvento>Carta de Correcao</descEvento>${correction}<xCondUso>`);

  const second = await ev.send(ev.cceLayout(1, 13, (x) => x.replace('<xCaracAd>Encomenda</xCaracAd>', '<xCaracAd>Carga fragil</xCaracAd>')));
  expect(sit(second).SitCodigo).toBe('135');
  expect(second).toMatchObject({ DocEvenSeq: '2' });
  expect(proc(second)).toContain(
    `<descEvento>Carta de Correcao</descEvento>${correction}` +
    '<infCorrecao><grupoAlterado>compl</grupoAlterado><campoAlterado>xCaracAd</campoAlterado><valorAlterado>Carga fragil</valorAlterado></infCorrecao><xCondUso>',
  );

  const doc = await h.store.findDocumentByChave(h.main.company.id, String(cte.DocChaAcesso));
  const before = (await h.store.listEvents(h.main.company.id, doc!.id)).length;
  const forbidden = await ev.send(ev.cceLayout(1, 13, (x) => x.replace('<natOp>Frete de mercadorias</natOp>', '<natOp>Frete de encomendas</natOp>')
    .replace('<vTPrest>32321.23</vTPrest>', '<vTPrest>32000.00</vTPrest>').replace(/<vRec>[^<]*<\/vRec>/, '<vRec>32000.00</vRec>')));
  expect(sit(forbidden)).toEqual({ SitCodigo: '681', SitDescricao: expect.stringMatching(/vPrest\/vTPrest não pode ser alterado.*; .*vPrest\/vRec não pode ser alterado/) as string });
  expect((await h.store.listEvents(h.main.company.id, doc!.id)).length).toBe(before);

  const nothing = await ev.send(ev.cceLayout(1, 13, (x) => x));
  expect(sit(nothing)).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(/não há o que corrigir/) as string });

  const cancel = await ev.send(ev.evento({ numero: 1, serie: 13, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(cancel)).toEqual({ SitCodigo: '523', SitDescricao: expect.stringMatching(/Carta de Correção/) as string });
}, 60_000);

function consulta(as: TestCompany, chave: string): string {
  return `<Consulta><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${as.cnpj}</CnpjEmissor><ChaveAcesso>${chave}</ChaveAcesso></Consulta>`;
}
const EVENTOS = '<ParametrosConsulta><Situacao>S</Situacao><XMLCompleto>S</XMLCompleto><Eventos>S</Eventos></ParametrosConsulta>';

test('610110 / 610111 sent by a second company as tomador of the CT-e: its CNPJ and certificate, xObs by default; 755 for a company that is not the tomador; 866 with no active desacordo', async () => {
  const tomador = await h.addCompany();
  const cte = await ev.authorise(1, { serie: 14, tomador: tomador.cnpj });
  const chave = String(cte.DocChaAcesso);

  const d = await ev.send(ev.evento({ as: tomador, numero: 1, serie: 14, chave, tp: '610110', seq: 1, det: DESACORDO }), tomador);
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
  const refused = await ev.send(ev.evento({ as: stranger, numero: 1, serie: 14, chave, tp: '610110', seq: 2, det: DESACORDO }), stranger);
  expect(sit(refused).SitCodigo).toBe('755');
  const byEmitter = await ev.send(ev.evento({ numero: 1, serie: 14, chave, tp: '610110', seq: 1, det: DESACORDO }));
  expect(sit(byEmitter)).toEqual({ SitCodigo: '755', SitDescricao: expect.stringContaining(tomador.cnpj) as string });

  const cancel = await ev.send(ev.evento({ as: tomador, numero: 1, serie: 14, chave, tp: '610111', seq: 1, det: CANCEL_DESACORDO }), tomador);
  expect(sit(cancel).SitCodigo).toBe('135');
  expect(proc(cancel)).toContain(`<nProtEvPrestDes>${String(d.DocProtocolo)}</nProtEvPrestDes>`);
  const none = await ev.send(ev.evento({ as: tomador, numero: 1, serie: 14, chave, tp: '610111', seq: 2, det: CANCEL_DESACORDO }), tomador);
  expect(sit(none).SitCodigo).toBe('866');

  // The tomador's consulta by key lists its own events on the carrier's CT-e.
  const reply = await h.call([consulta(tomador, chave)], { parametros: [EVENTOS], as: tomador });
  const items = (reply.documentos[0]!.Eventos as { EventosItem: Record<string, unknown>[] }).EventosItem;
  expect(items.map((e) => [e.DocEveTp, e.DocEvenSeq, e.cStat])).toEqual([['610110', '1', '135'], ['610111', '1', '135']]);
}, 60_000);

test('consulta with Eventos lists the CT-e events, with their procEventoCTe', async () => {
  const cte = await ev.authorise(1, { serie: 15 });
  const chave = String(cte.DocChaAcesso);
  const ce = await ev.send(ev.evento({ numero: 1, serie: 15, tp: '110180', seq: 1, det: ev.comprovanteDet('<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega>') }));
  const cancelCe = await ev.send(ev.evento({ numero: 1, serie: 15, tp: '110181', seq: 1, det: `<nProtCE>${String(ce.DocProtocolo)}</nProtCE>` }));
  expect([sit(ce).SitCodigo, sit(cancelCe).SitCodigo]).toEqual(['135', '135']);
  const reply = await h.call([consulta(h.main, chave)], { parametros: [EVENTOS] });
  const d = reply.documentos[0]!;
  expect(d).toMatchObject({ DocModelo: 'CTe', DocChaAcesso: chave, DocStatus: '2' });
  const items = (d.Eventos as { EventosItem: Record<string, unknown>[] }).EventosItem;
  expect(items.map((e) => [e.DocEveTp, e.DocEvenSeq, e.cStat])).toEqual([['110180', '1', '135'], ['110181', '1', '135']]);
  expect(decodeB64(items[1]!.DocEveXML)).toContain('<procEventoCTe');
}, 60_000);
