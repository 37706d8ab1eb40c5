// The CT-e 4.00 service descriptors, messages, answer parsers and distribution documents (cte.md §2,
// §5, §6), against the official schemas and a real event SEFAZ registered (InvoiCy's sample reply).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';
import {
  consSitCTe, consStatServCTe, CTE_NS, detCancCECTe, detCancCTe, detCancPrestDesacordo, detCCeCTe, detCECTe, detEPECCTe,
  detPrestDesacordo, eventoCTe, eventoCteId,
} from '../../src/sefaz/cte-messages';
import { parseRetConsSitCTe, parseRetConsStatServCTe, parseRetCTe, parseRetEventoCTe } from '../../src/sefaz/cte-responses';
import { cteProc, procEventoCTe } from '../../src/sefaz/proc';
import { decodeBody } from '../../src/sefaz/services/descriptor';
import { CTE_SERVICES } from '../../src/sefaz/services/cte';
import { soapEnvelope } from '../../src/sefaz/transport';
import { findElements, scanElements, sliceOf } from '../../src/sefaz/xml-text';
import { loadXsdValidator } from '../../src/xml/xsd';

const SCHEMAS = path.resolve(__dirname, '../../../shared/schemas/cte');
const validate = async (file: string, xml: string) => (await loadXsdValidator(path.join(SCHEMAS, file))).validate(xml);
const own = (fragment: string, root: string) => fragment.replace(`<${root}`, `<${root} xmlns="${CTE_NS}"`);

/** InvoiCy's sample answer to a 110180 sent to SVRS: the procEventoCTe SEFAZ returned. */
const REAL_PROC = (() => {
  const reply = readFileSync(path.resolve(__dirname, '../../../shared/invoicy/Eventos/Exemplos XML/CTe/retorno cancelamento CTE com envelope.xml'), 'utf8');
  return Buffer.from(/DocXMLBase64>([^<]+)</.exec(reply)![1]!, 'base64').toString('utf8');
})();
const CHAVE = '43240206354976000149572720000050261172816385';

describe('descriptors (cte.md §2.1)', () => {
  it.each([
    ['CteRecepcaoSinc', 'CTeRecepcaoSincV4', 'cteRecepcao', 'gzip-base64', 'CTe', undefined, 'retCTe'],
    ['CteConsulta', 'CTeConsultaV4', 'cteConsultaCT', 'xml', 'consSitCTe', '4.00', 'retConsSitCTe'],
    ['CteStatusServico', 'CTeStatusServicoV4', 'cteStatusServicoCT', 'xml', 'consStatServCTe', '4.00', 'retConsStatServCTe'],
    ['CteRecepcaoEvento', 'CTeRecepcaoEventoV4', 'cteRecepcaoEvento', 'xml', 'eventoCTe', '4.00', 'retEventoCTe'],
  ] as const)('%s: %s/%s, %s body with root %s', (name, operation, method, encoding, root, versao, replyRoot) => {
    const d = CTE_SERVICES[name];
    expect(d).toMatchObject({ service: name, operation, method, namespace: `http://www.portalfiscal.inf.br/cte/wsdl/${operation}` });
    expect(d.request).toEqual({ wrapper: ['cteDadosMsg'], encoding, root, versao, dataNamespace: CTE_NS });
    expect(d.reply).toEqual({ wrapper: [`${method}Result`], root: replyRoot });
    expect(d.limits).toEqual({ maxMessageBytes: 512 * 1024 });
    expect(d.limits).toBe(SEFAZ_LIMITS[operation]);
  });

  it('the recepção envelope carries base64 of the gzip of the CT-e as text of cteDadosMsg; consulta goes inline', () => {
    const cte = `<CTe xmlns="${CTE_NS}"><infCte versao="4.00" Id="CTe${CHAVE}"><ide/></infCte></CTe>`;
    const d = CTE_SERVICES.CteRecepcaoSinc;
    const env = soapEnvelope(d, d.build({ signedCteXml: `<?xml version="1.0" encoding="UTF-8"?>${cte}` }));
    const text = /<cteDadosMsg xmlns="http:\/\/www.portalfiscal.inf.br\/cte\/wsdl\/CTeRecepcaoSincV4">([A-Za-z0-9+/=]+)<\/cteDadosMsg>/.exec(env)![1]!;
    expect(gunzipSync(Buffer.from(text, 'base64')).toString('utf8')).toBe(cte);
    expect(decodeBody(d, text)).toBe(cte);
    expect(() => decodeBody(d, cte)).toThrow();
    const c = CTE_SERVICES.CteConsulta;
    expect(soapEnvelope(c, c.build({ tpAmb: '2', chave: CHAVE }))).toContain(
      `<cteDadosMsg xmlns="http://www.portalfiscal.inf.br/cte/wsdl/CTeConsultaV4"><consSitCTe xmlns="${CTE_NS}" versao="4.00"><tpAmb>2</tpAmb><xServ>CONSULTAR</xServ><chCTe>${CHAVE}</chCTe></consSitCTe></cteDadosMsg>`,
    );
  });
});

describe('messages', () => {
  it('consSitCTe and consStatServCTe validate against their schemas', async () => {
    expect(await validate('consSitCTe_v4.00.xsd', consSitCTe('2', CHAVE))).toEqual({ ok: true });
    expect(await validate('consStatServCTe_v4.00.xsd', consStatServCTe('1', '43'))).toEqual({ ok: true });
  });

  it('eventoCTe and detCECTe rebuild, byte for byte, the infEvento of a 110180 SEFAZ registered (Id with the sequence in 3 digits)', () => {
    const det = detCECTe({
      nProt: '143240001890973', dhEntrega: '2024-02-20T11:23:07-03:00', nDoc: '1234567890', xNome: 'Migrate Company',
      latitude: '-27.868824', longitude: '-53.985100', hashEntrega: 'OrikW3hImskYcHzoL6Ir8wJtDvY=', dhHashEntrega: '2024-02-20T11:23:07-03:00',
      chNFe: ['43221112893382000109553140005514711001214562'],
    });
    const xml = eventoCTe({ cOrgao: '43', tpAmb: '2', cnpj: '06354976000149', chCTe: CHAVE, dhEvento: '2024-02-20T11:23:07-03:00', tpEvento: '110180', nSeqEvento: 1, detEventoInnerXml: det });
    const real = REAL_PROC.slice(REAL_PROC.indexOf('<infEvento Id="ID110180'), REAL_PROC.indexOf('</infEvento>') + '</infEvento>'.length);
    expect(xml).toBe(`<eventoCTe xmlns="${CTE_NS}" versao="4.00">${real}</eventoCTe>`);
    expect(eventoCteId('110111', CHAVE, 12)).toBe(`ID110111${CHAVE}012`);
  });

  it.each([
    ['evCancCTe_v4.00.xsd', 'evCancCTe', detCancCTe({ nProt: '143240001890973', xJust: 'Erro na digitacao dos valores' })],
    ['evCCeCTe_v4.00.xsd', 'evCCeCTe', detCCeCTe([
      { grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Observacao corrigida' },
      { grupoAlterado: 'infQ', campoAlterado: 'tpMed', valorAlterado: 'CAIXA', nroItemAlterado: '1' },
    ])],
    ['evCancCECTe_v4.00.xsd', 'evCancCECTe', detCancCECTe({ nProt: '143240001890973', nProtCE: '143240001890988' })],
    ['evPrestDesacordo_v4.00.xsd', 'evPrestDesacordo', detPrestDesacordo({ xObs: 'Servico prestado em desacordo com o contratado' })],
    ['evCancPrestDesacordo_v4.00.xsd', 'evCancPrestDesacordo', detCancPrestDesacordo({ nProtEvPrestDes: '143240001890988' })],
    ['evEPECCTe_v4.00.xsd', 'evEPECCTe', detEPECCTe({
      xJust: 'Falha de comunicacao com a SEFAZ autorizadora', vICMS: '10.00', vTPrest: '100.00', vCarga: '1000.00',
      toma: { toma: '4', UF: 'RS', CNPJ: '06354976000149', IE: '1234567890' }, modal: '01', UFIni: 'RS', UFFim: 'SC', dhEmi: '2024-02-20T11:23:07-03:00',
    })],
  ])('%s accepts the %s builder', async (file, root, det) => {
    expect(await validate(file, own(det, root))).toEqual({ ok: true });
  });
});

describe('answer parsers', () => {
  const retEvento = sliceOf(REAL_PROC, findElements(scanElements(REAL_PROC), 'retEventoCTe')[0]!);

  it('retEventoCTe: the fields and the element exactly as received', () => {
    expect(parseRetEventoCTe(REAL_PROC)).toEqual({
      tpAmb: '2', verAplic: 'RS20230912134030', cOrgao: '43', cStat: '135', xMotivo: 'Evento registrado e vinculado a CT-e', chCTe: CHAVE,
      tpEvento: '110180', xEvento: 'Comprovante de Entrega Registrado', nSeqEvento: '001', dhRegEvento: '2024-02-20T11:23:14-03:00',
      nProt: '143240001890988', raw: retEvento,
    });
  });

  it('retCTe with protCTe (raw), and a rejection without it; inside a SOAP envelope', () => {
    const prot = `<protCTe versao="4.00"><infProt><tpAmb>2</tpAmb><verAplic>RS1</verAplic><chCTe>${CHAVE}</chCTe><dhRecbto>2024-02-20T11:23:14-03:00</dhRecbto>` +
      '<nProt>143240001890973</nProt><digVal>nv0udfIVKqN0WZmpHLGPDsSFMXU=</digVal><cStat>100</cStat><xMotivo>Autorizado o uso do CT-e</xMotivo></infProt></protCTe>';
    const ok = `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><cteRecepcaoResult xmlns="http://www.portalfiscal.inf.br/cte/wsdl/CTeRecepcaoSincV4">` +
      `<retCTe versao="4.00" xmlns="${CTE_NS}"><tpAmb>2</tpAmb><cUF>43</cUF><verAplic>RS1</verAplic><cStat>100</cStat><xMotivo>Autorizado o uso do CT-e</xMotivo>${prot}</retCTe></cteRecepcaoResult></soap:Body></soap:Envelope>`;
    expect(parseRetCTe(ok)).toMatchObject({ cStat: '100', cUF: '43', prot: { chCTe: CHAVE, nProt: '143240001890973', digVal: 'nv0udfIVKqN0WZmpHLGPDsSFMXU=', cStat: '100', raw: prot } });
    const refused = `<retCTe versao="4.00" xmlns="${CTE_NS}"><tpAmb>2</tpAmb><cUF>43</cUF><verAplic>RS1</verAplic><cStat>244</cStat><xMotivo>Rejeição: Falha na descompactação da área de dados</xMotivo></retCTe>`;
    expect(parseRetCTe(refused)).toMatchObject({ cStat: '244', prot: undefined });
    expect(() => parseRetCTe('<retCTe><cStat>100</cStat></retCTe>')).toThrow(expect.objectContaining({ kind: 'garbage', requestSent: true }));
  });

  it('retConsSitCTe with the procEventoCTe list, each with its retEventoCTe raw', () => {
    const xml = `<retConsSitCTe versao="4.00" xmlns="${CTE_NS}"><tpAmb>2</tpAmb><verAplic>RS1</verAplic><cStat>100</cStat><xMotivo>Autorizado o uso do CT-e</xMotivo><cUF>43</cUF>${REAL_PROC}${REAL_PROC}</retConsSitCTe>`;
    const r = parseRetConsSitCTe(xml);
    expect(r).toMatchObject({ cStat: '100', cUF: '43', prot: undefined });
    expect(r.eventos).toHaveLength(2);
    expect(r.eventos[0]).toEqual({ retEvento: expect.objectContaining({ nProt: '143240001890988', raw: retEvento }), raw: REAL_PROC });
  });

  it('retConsStatServCTe with dhRetorno (113 at an SVC)', () => {
    const xml = `<retConsStatServCTe versao="4.00" xmlns="${CTE_NS}"><tpAmb>2</tpAmb><verAplic>SVC</verAplic><cStat>113</cStat><xMotivo>SVC em processo de desativação</xMotivo>` +
      '<cUF>50</cUF><dhRecbto>2024-02-20T11:23:14-03:00</dhRecbto><tMed>1</tMed><dhRetorno>2024-02-20T15:00:00-03:00</dhRetorno></retConsStatServCTe>';
    expect(parseRetConsStatServCTe(xml)).toEqual({
      tpAmb: '2', verAplic: 'SVC', cStat: '113', xMotivo: 'SVC em processo de desativação', cUF: '50', dhRecbto: '2024-02-20T11:23:14-03:00',
      tMed: '1', dhRetorno: '2024-02-20T15:00:00-03:00', xObs: undefined,
    });
  });
});

describe('distribution documents', () => {
  it('procEventoCTe of the real event and its answer validates against procEventoCTe_v4.00.xsd', async () => {
    const evento = sliceOf(REAL_PROC, findElements(scanElements(REAL_PROC), 'eventoCTe')[0]!);
    const retEvento = sliceOf(REAL_PROC, findElements(scanElements(REAL_PROC), 'retEventoCTe')[0]!);
    const proc = procEventoCTe(`<?xml version="1.0" encoding="UTF-8"?>${evento}`, retEvento);
    expect(proc).toBe(`<?xml version="1.0" encoding="UTF-8"?><procEventoCTe xmlns="${CTE_NS}" versao="4.00">${evento}${retEvento}</procEventoCTe>`);
    expect(await validate('procEventoCTe_v4.00.xsd', proc)).toEqual({ ok: true });
  });

  it('cteProc puts the signed CTe and the protCTe as received under cteProc versao 4.00', () => {
    expect(cteProc('<?xml version="1.0"?><CTe/>', '<protCTe/>')).toBe(`<?xml version="1.0" encoding="UTF-8"?><cteProc xmlns="${CTE_NS}" versao="4.00"><CTe/><protCTe/></cteProc>`);
  });
});
