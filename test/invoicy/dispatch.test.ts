import fs from 'node:fs';
import path from 'node:path';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { classifyDocument, normalizeModelo } from '../../src/invoicy/dispatch';
import { INVOICY_SAMPLES } from './helpers';

const C = withCnpjCheckDigits('112223330001');
const DFE_EXAMPLES = path.join(INVOICY_SAMPLES, 'Consulta Distribuição DFE', 'Exemplos XML');

describe('classifyDocument', () => {
  test.each([
    ['Envio NF-e', `<Envio><ModeloDocumento>nfe</ModeloDocumento><ide><tpAmb>2</tpAmb></ide><emit><CNPJ_emit>${C}</CNPJ_emit></emit></Envio>`, 'Envio', 'NFe', C, '2'],
    ['Envio NFC-e CPF', '<Envio><ModeloDocumento>NFCE</ModeloDocumento><emit><cpf_EMIT>12345678909</cpf_EMIT></emit></Envio>', 'Envio', 'NFCe', '12345678909', undefined],
    ['Envio CT-e emit/CNPJ', `<Envio><ModeloDocumento>Cte</ModeloDocumento><emit><CNPJ>${C}</CNPJ></emit></Envio>`, 'Envio', 'CTe', C, undefined],
    ['NF-e event', `<EnvioEvento><ModeloDocumento>NFe</ModeloDocumento><Evento><NtfCnpjEmissor>${C}</NtfCnpjEmissor><tpAmb>1</tpAmb></Evento></EnvioEvento>`, 'EnvioEvento', 'NFe', C, '1'],
    ['CT-e event', `<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Evento><CteCnpjEmissor>${C}</CteCnpjEmissor></Evento></EnvioEvento>`, 'EnvioEvento', 'CTe', C, undefined],
    ['inutilização', `<Inutilizacao><ModeloDocumento>NFe</ModeloDocumento><CnpjEmissor>${C}</CnpjEmissor><tpAmb>2</tpAmb></Inutilizacao>`, 'Inutilizacao', 'NFe', C, '2'],
    ['consulta recebidos', `<Consulta><ModeloDocumento>NFSE</ModeloDocumento><CnpjEmpresa>${C}</CnpjEmpresa><CnpjEmissor>99999999999999</CnpjEmissor></Consulta>`, 'Consulta', 'NFSe', C, undefined],
    ['Conector Consultar', `<Consultar><ChaveParceiro>x</ChaveParceiro><Consulta><ModeloDocumento>NFe</ModeloDocumento><tpAmb>2</tpAmb><CnpjEmissor>${C}</CnpjEmissor></Consulta></Consultar>`, 'Consulta', 'NFe', C, '2'],
    ['descarte', `<DescartarDocumento><ModeloDocumento>NFCe</ModeloDocumento><tpAmb>2</tpAmb><CNPJ_emit>${C}</CNPJ_emit></DescartarDocumento>`, 'DescartarDocumento', 'NFCe', C, '2'],
    ['distribuição DF-e (the official NF-e example)', fs.readFileSync(path.join(DFE_EXAMPLES, 'Consultar_distribuicao_NFe.xml'), 'utf8').replace('99999999999999', C), 'DistribuicaoDFe', 'NFe', C, '2'],
    ['distribuição DF-e MDF-e', fs.readFileSync(path.join(DFE_EXAMPLES, 'Consultar_distribuicao_MDFe.xml'), 'utf8').replace('99999999999999', C), 'DistribuicaoDFe', 'MDFe', C, '2'],
    ['consulta cadastro', `<ConsultaCadastro><CnpjEmissor>${C}</CnpjEmissor></ConsultaCadastro>`, 'ConsultaCadastro', '', C, undefined],
    ['formatted CNPJ, declaration', `<?xml version="1.0"?><Envio><ModeloDocumento>MDFe</ModeloDocumento><emit><CNPJ_emit> 11.222.333/0001-${C.slice(-2)} </CNPJ_emit></emit></Envio>`, 'Envio', 'MDFe', C, undefined],
  ])('%s', (_n, xml, kind, modelo, cnpj, tpAmb) => {
    const d = classifyDocument({ documento: xml }, 0);
    expect(d.problem).toBeUndefined();
    expect([d.kind, d.modelo, d.cnpj, d.tpAmb]).toEqual([kind, modelo, cnpj, tpAmb]);
    expect(d.documentXml).toBe(xml);
  });

  test.each([
    ['unknown root', `<Foo><CNPJ_emit>${C}</CNPJ_emit></Foo>`, 176],
    ['Envio without a known model', `<Envio><ModeloDocumento>XYZ</ModeloDocumento><emit><CNPJ_emit>${C}</CNPJ_emit></emit></Envio>`, 176],
    ['malformed', '<Envio><a></Envio>', 145],
    ['literal ampersand', '<Envio><xNome>A & B</xNome></Envio>', 145],
    ['DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><Envio>&a;</Envio>', 145],
    ['blank', ' \n\t', 145],
  ])('%s → %i', (_n, xml, code) => {
    expect(classifyDocument({ documento: xml }, 3).problem?.code).toBe(code);
  });

  test('Parametros: kept as received when non-blank; Conector ParametrosConsulta taken from the document', () => {
    const p = '\n<ParametrosConsulta><Eventos>S</Eventos></ParametrosConsulta>\n';
    expect(classifyDocument({ documento: `<Consulta><CnpjEmissor>${C}</CnpjEmissor></Consulta>`, parametros: p }, 0).parametrosXml).toBe(p);
    expect(classifyDocument({ documento: `<Consulta><CnpjEmissor>${C}</CnpjEmissor></Consulta>`, parametros: ' \n' }, 0).parametrosXml).toBeUndefined();
    const conector = `<Consultar><Consulta><CnpjEmissor>${C}</CnpjEmissor></Consulta><ParametrosConsulta>\n<XMLCompleto>S</XMLCompleto></ParametrosConsulta></Consultar>`;
    expect(classifyDocument({ documento: conector }, 0).parametrosXml).toBe('<ParametrosConsulta>\n<XMLCompleto>S</XMLCompleto></ParametrosConsulta>');
  });

  test.each([['nfe', 'NFe'], ['NFCOM', 'NFCom'], [' mdfe ', 'MDFe'], ['NF-e', undefined]])('normalizeModelo(%j)', (input, out) => {
    expect(normalizeModelo(input)).toBe(out);
  });
});
