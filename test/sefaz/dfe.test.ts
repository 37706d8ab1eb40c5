// DF-e distribution on the wire (dfe-distribution.md §1–3, §9): the two descriptors, distDFeInt as
// built (NSU padded, CNPJ or CPF, cUFAutor), the official sample request, retDistDFeInt as read
// (optional ultNSU/maxNSU, docZip unzipped, root by local name) and the documents refused whole: a
// gzip bomb and a DOCTYPE. Endpoints of the Ambiente Nacional for both models and environments.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';
import { DIST_DOCUMENT_MAX_BYTES, parseRetDistDFeInt } from '../../src/sefaz/dfe-responses';
import { createEndpointResolver, resolveEndpoint, type EndpointQuery } from '../../src/sefaz/endpoints';
import { SefazTransportError } from '../../src/sefaz/errors';
import { DFE_SERVICES } from '../../src/sefaz/services/dfe';
import { soapEnvelope } from '../../src/sefaz/transport';
import { extractBusinessXml } from '../../src/simulator/soap';

const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';
const CTE_NS = 'http://www.portalfiscal.inf.br/cte';
const SAMPLE = readFileSync(path.resolve(__dirname, '../../../shared/samples/sefaz/exemplo_xml_dist_dfe.xml'), 'utf8');
const CNPJ = '93623057000128';
const nfe = DFE_SERVICES.NfeDistribuicaoDFe;
const cte = DFE_SERVICES.CteDistribuicaoDFe;

function zip(xml: string): string {
  return gzipSync(Buffer.from(xml, 'utf8')).toString('base64');
}

function ret(inner: string, ns = NFE_NS): string {
  return `<retDistDFeInt xmlns="${ns}" versao="1.01"><tpAmb>2</tpAmb><verAplic>1.7.6</verAplic>${inner}</retDistDFeInt>`;
}

function garbageOf(fn: () => unknown): SefazTransportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SefazTransportError);
    expect((e as SefazTransportError).kind).toBe('garbage');
    return e as SefazTransportError;
  }
  throw new Error('expected a garbage SefazTransportError');
}

describe('descriptors', () => {
  it.each([
    [nfe, 'NFeDistribuicaoDFe', 'nfe', '1.01', NFE_NS],
    [cte, 'CTeDistribuicaoDFe', 'cte', '1.00', CTE_NS],
  ] as const)('%#: %s, <k>DistDFeInteresse/<k>DadosMsg, distDFeInt %s, 10 KB', (d, operation, k, versao, dataNamespace) => {
    expect(d).toMatchObject({
      operation, method: `${k}DistDFeInteresse`, namespace: `http://www.portalfiscal.inf.br/${k}/wsdl/${operation}`,
      request: { wrapper: [`${k}DistDFeInteresse`, `${k}DadosMsg`], encoding: 'xml', root: 'distDFeInt', versao, dataNamespace },
      reply: { wrapper: [`${k}DistDFeInteresseResponse`, `${k}DistDFeInteresseResult`], root: 'retDistDFeInt' },
    });
    expect(d.limits).toBe(SEFAZ_LIMITS[operation]);
    expect(d.limits.maxMessageBytes).toBe(10 * 1024);
  });
});

describe('distDFeInt as built', () => {
  const head = (ns: string, v: string) => `<distDFeInt xmlns="${ns}" versao="${v}"><tpAmb>2</tpAmb>`;
  it.each<[string, Parameters<typeof nfe.build>[0], string]>([
    ['distNSU 0, padded', { tpAmb: '2', cUFAutor: '35', doc: CNPJ, query: { kind: 'distNSU', ultNSU: '0' } },
      `${head(NFE_NS, '1.01')}<cUFAutor>35</cUFAutor><CNPJ>${CNPJ}</CNPJ><distNSU><ultNSU>000000000000000</ultNSU></distNSU></distDFeInt>`],
    ['consNSU 1234, padded', { tpAmb: '2', cUFAutor: '35', doc: CNPJ, query: { kind: 'consNSU', NSU: '1234' } },
      `${head(NFE_NS, '1.01')}<cUFAutor>35</cUFAutor><CNPJ>${CNPJ}</CNPJ><consNSU><NSU>000000000001234</NSU></consNSU></distDFeInt>`],
    ['consChNFe, CPF, no cUFAutor', { tpAmb: '2', cUFAutor: '', doc: '12345678909', query: { kind: 'consChave', chave: '3'.repeat(44) } },
      `${head(NFE_NS, '1.01')}<CPF>12345678909</CPF><consChNFe><chNFe>${'3'.repeat(44)}</chNFe></consChNFe></distDFeInt>`],
  ])('NF-e %s', (_, input, xml) => {
    expect(nfe.build(input)).toBe(xml);
  });

  it('CT-e: CT-e namespace, versão 1.00; a key query does not exist there', () => {
    expect(cte.build({ tpAmb: '2', cUFAutor: '51', doc: CNPJ, query: { kind: 'distNSU', ultNSU: '000000000000042' } }))
      .toBe(`${head(CTE_NS, '1.00')}<cUFAutor>51</cUFAutor><CNPJ>${CNPJ}</CNPJ><distNSU><ultNSU>000000000000042</ultNSU></distNSU></distDFeInt>`);
    expect(() => cte.build({ tpAmb: '2', cUFAutor: '51', doc: CNPJ, query: { kind: 'consChave', chave: '3'.repeat(44) } })).toThrow(/chave/);
  });

  it.each(['', '12a', '1234567890123456'])('NSU %j is refused before anything is sent', (nsu) => {
    expect(() => nfe.build({ tpAmb: '2', cUFAutor: '35', doc: CNPJ, query: { kind: 'consNSU', NSU: nsu } })).toThrow(/NSU inválido/);
  });

  it('an interested party that is neither CNPJ nor CPF is refused', () => {
    expect(() => nfe.build({ tpAmb: '2', cUFAutor: '35', doc: '123', query: { kind: 'distNSU', ultNSU: '0' } })).toThrow(/CNPJ \(14\) ou CPF \(11\)/);
  });

  it('the official sample request: our distDFeInt for the same query is its own, minified; the simulator reads the sample', () => {
    const inSample = /<distDFeInt[\s\S]*<\/distDFeInt>/.exec(SAMPLE)?.[0].replace(/>\s+</g, '><');
    const ours = nfe.build({ tpAmb: '2', cUFAutor: '35', doc: CNPJ, query: { kind: 'consNSU', NSU: '200' } });
    expect(ours).toBe(inSample);
    const envelope = `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>${SAMPLE}</soap:Body></soap:Envelope>`;
    const read = extractBusinessXml(envelope, nfe);
    expect(read.ok && read.xml.replace(/>\s+</g, '><')).toBe(ours);
    expect(extractBusinessXml(soapEnvelope(nfe, ours), nfe)).toEqual({ ok: true, xml: ours });
  });
});

describe('retDistDFeInt as read', () => {
  const resNFe = `<resNFe xmlns="${NFE_NS}" versao="1.01"><chNFe>${'3'.repeat(44)}</chNFe><CNPJ>${CNPJ}</CNPJ><xNome>X</xNome><IE>1</IE><dhEmi>2026-12-01T10:00:00-03:00</dhEmi><tpNF>1</tpNF><vNF>1.00</vNF><dhRecbto>2026-12-01T10:00:01-03:00</dhRecbto><nProt>135260000000001</nProt><cSitNFe>1</cSitNFe></resNFe>`;
  const proc = `<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="${NFE_NS}" versao="4.00"><NFe/></nfeProc>`;

  it('138: positions, each docZip unzipped, root by local name whatever the schema says', () => {
    const xml = ret(`<cStat>138</cStat><xMotivo>Documento(s) localizado(s)</xMotivo><dhResp>2026-12-04T18:00:00-03:00</dhResp><ultNSU>000000000006811</ultNSU><maxNSU>000000000006991</maxNSU>` +
      `<loteDistDFeInt><docZip NSU="000000000006762" schema="resNFe_v1.01.xsd">${zip(resNFe)}</docZip><docZip NSU="000000000006811" schema="procNFe_v3.10.xsd">${zip(proc)}</docZip></loteDistDFeInt>`);
    expect(parseRetDistDFeInt(xml, {})).toEqual({
      cStat: '138', xMotivo: 'Documento(s) localizado(s)', dhResp: '2026-12-04T18:00:00-03:00', ultNSU: '000000000006811', maxNSU: '000000000006991',
      documents: [
        { NSU: '000000000006762', schema: 'resNFe_v1.01.xsd', root: 'resNFe', xml: resNFe },
        { NSU: '000000000006811', schema: 'procNFe_v3.10.xsd', root: 'nfeProc', xml: proc },
      ],
    });
  });

  it('656 of a key query: neither ultNSU nor maxNSU; a consChNFe docZip without NSU', () => {
    expect(parseRetDistDFeInt(ret('<cStat>656</cStat><xMotivo>Rejeicao: Consumo Indevido</xMotivo>'), {}))
      .toEqual({ cStat: '656', xMotivo: 'Rejeicao: Consumo Indevido', documents: [] });
    const one = parseRetDistDFeInt(ret(`<cStat>138</cStat><xMotivo>ok</xMotivo><loteDistDFeInt><docZip schema="procNFe_v4.00.xsd">${zip(proc)}</docZip></loteDistDFeInt>`), {});
    expect(one.documents).toEqual([{ schema: 'procNFe_v4.00.xsd', root: 'nfeProc', xml: proc }]);
  });

  it('found inside the SOAP answer of either service (CT-e namespace too)', () => {
    const body = `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><cteDistDFeInteresseResponse xmlns="http://www.portalfiscal.inf.br/cte/wsdl/CTeDistribuicaoDFe"><cteDistDFeInteresseResult>` +
      ret('<cStat>137</cStat><xMotivo>Nenhum documento localizado</xMotivo><ultNSU>000000000000000</ultNSU><maxNSU>000000000000000</maxNSU>', CTE_NS) +
      '</cteDistDFeInteresseResult></cteDistDFeInteresseResponse></soap:Body></soap:Envelope>';
    expect(parseRetDistDFeInt(body, {})).toMatchObject({ cStat: '137', ultNSU: '000000000000000', maxNSU: '000000000000000', documents: [] });
  });

  it('a gzip bomb is refused: a small docZip that inflates past the limit', () => {
    const bomb = gzipSync(Buffer.alloc(DIST_DOCUMENT_MAX_BYTES + 1024, 0x20)).toString('base64');
    expect(bomb.length).toBeLessThan(20_000);
    const e = garbageOf(() => parseRetDistDFeInt(ret(`<cStat>138</cStat><xMotivo>ok</xMotivo><loteDistDFeInt><docZip NSU="000000000000001" schema="resNFe_v1.01.xsd">${bomb}</docZip></loteDistDFeInt>`), {}));
    expect(e.message).toMatch(/NSU 000000000000001 excede \d+ bytes descompactado/);
  });

  it.each([
    ['a DOCTYPE', `<!DOCTYPE resNFe [<!ENTITY x SYSTEM "file:///etc/passwd">]>${resNFe}`, /DOCTYPE/],
    ['not gzip', undefined, /não descompacta/],
    ['not XML', 'isto não é XML <', /mal formado/],
  ])('a document with %s is refused', (_, inner, message) => {
    const content = inner === undefined ? Buffer.from('plain').toString('base64') : zip(inner);
    const e = garbageOf(() => parseRetDistDFeInt(ret(`<cStat>138</cStat><xMotivo>ok</xMotivo><loteDistDFeInt><docZip NSU="000000000000002" schema="resNFe_v1.01.xsd">${content}</docZip></loteDistDFeInt>`), {}));
    expect(e.message).toMatch(message);
  });
});

describe('Ambiente Nacional endpoints', () => {
  it.each<[EndpointQuery, string, string]>([
    [{ model: '55', authorizer: 'AN', tpAmb: '1', service: 'NfeDistribuicaoDFe' }, 'https://www1.nfe.fazenda.gov.br/NFeDistribuicaoDFe/NFeDistribuicaoDFe.asmx', 'nfeDistDFeInteresse'],
    [{ model: '55', authorizer: 'AN', tpAmb: '2', service: 'NfeDistribuicaoDFe' }, 'https://hom1.nfe.fazenda.gov.br/NFeDistribuicaoDFe/NFeDistribuicaoDFe.asmx', 'nfeDistDFeInteresse'],
    [{ model: '57', authorizer: 'AN', tpAmb: '1', service: 'CteDistribuicaoDFe' }, 'https://www1.cte.fazenda.gov.br/CTeDistribuicaoDFe/CTeDistribuicaoDFe.asmx', 'cteDistDFeInteresse'],
    [{ model: '57', authorizer: 'AN', tpAmb: '2', service: 'CteDistribuicaoDFe' }, 'https://hom1.cte.fazenda.gov.br/CTeDistribuicaoDFe/CTeDistribuicaoDFe.asmx', 'cteDistDFeInteresse'],
  ])('%j → %s', (q, url, method) => {
    const e = resolveEndpoint(q);
    expect(e.url).toBe(url);
    expect(e.soapAction).toBe(`${e.namespace}/${method}`);
    expect(e.service).toBe(q.model === '57' ? cte : nfe);
    const sim = createEndpointResolver({ mode: 'simulator', baseUrl: 'https://127.0.0.1:8443' }).resolve(q);
    expect(sim.url).toBe(`https://127.0.0.1:8443${q.tpAmb === '1' ? '/producao' : ''}/AN/${e.operation}`);
  });
});
