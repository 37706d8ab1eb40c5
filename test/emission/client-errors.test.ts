// Client errors through SOAP get the InvoiCy code that fits, never 999 (which stays for internal
// errors): an unknown ModeloDocumento → 176, a model/event/operation InvoiCy has but this service does
// not offer yet → 607, an EveTp outside the layout (EPEC included) → 145. Nothing reaches SEFAZ.
import { startHarness, type Harness } from '../support/harness';
import { cceDet, eventoXml, inutXml } from './event-support';
import { sit } from './jobs-support';
import { cteEvents } from './cte-event-support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  // Any SEFAZ call would consume it.
  h.sim.faults.add({ authorizer: '*', service: '*', mode: 'down', times: 1 });
});
afterEach(() => {
  expect(h.sim.faults.list()).toHaveLength(1);
  h.sim.faults.reset();
});

const one = async (xml: string) => (await h.call([xml])).documentos[0]!;
const NAO_DISPONIVEL = /ainda não (suportado por este serviço|disponível nesta versão do serviço)$/;

test.each([
  ['Envio of an MDF-e', () => `<Envio><ModeloDocumento>MDFe</ModeloDocumento><Versao>3.00</Versao><emit><CNPJ_emit>${h.main.cnpj}</CNPJ_emit></emit></Envio>`, /^Modelo de documento MDFe ainda não suportado/],
  ['a CT-e event of the layout not offered (110160 registro multimodal)', () => cteEvents(h).evento({ numero: 1, serie: 1, tp: '110160', det: '<EveDesc>Registro Multimodal</EveDesc>' }), /^Evento 110160 do CT-e ainda não disponível/],
  ['Inutilizacao of an MDF-e', () => inutXml(h.main.cnpj, { modelo: 'MDFe', ini: 1, fin: 2, serie: 1 }), /^Modelo de documento MDFe/],
  ['DescartarDocumento of an NFS-e', () => `<DescartarDocumento><ModeloDocumento>NFSe</ModeloDocumento><CNPJ_emit>${h.main.cnpj}</CNPJ_emit><tpAmb>2</tpAmb><Numero>1</Numero><Serie>1</Serie></DescartarDocumento>`, /^Modelo de documento NFSe/],
  ['ConsultaCadastro', () => `<ConsultaCadastro><ModeloDocumento>NFe</ModeloDocumento><CnpjEmissor>${h.main.cnpj}</CnpjEmissor><UF>RS</UF></ConsultaCadastro>`, /^Consulta de cadastro ainda não disponível/],
  ['a prorrogação event (111500)', () => eventoXml(h.main.cnpj, { numero: 1, serie: 1, tp: '111500', det: '<EveDesc>Pedido de Prorrogacao</EveDesc>' }), /^Evento 111500 ainda não disponível/],
])('%s → 607 "não suportado"', async (_name, xml, text) => {
  const d = await one(xml());
  expect(sit(d)).toEqual({ SitCodigo: '607', SitDescricao: expect.stringMatching(text) });
  expect(sit(d).SitDescricao).toMatch(NAO_DISPONIVEL);
});

test.each([
  ['EnvioEvento', () => eventoXml(h.main.cnpj, { modelo: 'NFX', numero: 1, serie: 1, tp: '110110', det: cceDet('Correcao do endereco do destinatario') }), '"NFX"'],
  ['Inutilizacao', () => inutXml(h.main.cnpj, { modelo: '', ini: 1, fin: 2, serie: 1 }), '""'],
  ['DescartarDocumento', () => `<DescartarDocumento><ModeloDocumento>55</ModeloDocumento><CNPJ_emit>${h.main.cnpj}</CNPJ_emit><Numero>1</Numero><Serie>1</Serie></DescartarDocumento>`, '"55"'],
])('%s with an unknown ModeloDocumento → 176', async (_name, xml, shown) => {
  expect(sit(await one(xml()))).toEqual({ SitCodigo: '176', SitDescricao: `Tipo de documento não identificado: ModeloDocumento ${shown} inválido (use NFe, NFCe ou CTe)` });
});

test('Consulta with an unknown ModeloDocumento → DocSitCodigo 176', async () => {
  const d = await one(`<Consulta><ModeloDocumento>NFX</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${h.main.cnpj}</CnpjEmissor><Serie>1</Serie></Consulta>`);
  expect([d.DocSitCodigo, d.DocSitDescricao]).toEqual(['176', 'Tipo de documento não identificado: ModeloDocumento "NFX" inválido (use NFe, NFCe ou CTe)']);
});

test.each([
  ['an unknown EveTp', '123456', /^Erro no layout do evento: EveTp "123456" inválido \(use 110110 carta de correção, 110111 cancelamento, 110112 cancelamento por substituição ou a manifestação do destinatário 210200, 210210, 210220, 210240\)$/],
  ['EPEC (110140), which the service registers itself', '110140', /^Erro no layout do evento: EveTp 110140 \(EPEC\) não é enviado pelo ERP/],
])('%s → 145', async (_name, tp, text) => {
  const d = await one(eventoXml(h.main.cnpj, { numero: 1, serie: 1, tp, det: '<EveDesc>Teste</EveDesc>' }));
  expect(sit(d)).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(text) });
});
