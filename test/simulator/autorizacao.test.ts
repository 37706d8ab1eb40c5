// Autorização, duplicity, consulta and status over real mutual-TLS HTTPS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import {
  buildNfe, call, companyCert, consReciNFe, consSitNFe, consStatServ, EMIT_CNPJ, enviNFe, envelope, OTHER_CNPJ, SCHEMAS_DIR, sign, tagValue, adminCall,
  DEST_CNPJ,
} from './helpers';
import type { IssuedCertificate } from '../../src/signing/testca';
import type { SefazOperation as Operation } from '../../src/fiscal/sefaz-limits';
import { limitsOf } from '../../src/fiscal/sefaz-limits';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let nextNumber = 1000;
const num = () => nextNumber++;
const DAY = 86_400_000;

beforeAll(async () => {
  sim = await startSimulator({ schemasDir: SCHEMAS_DIR });
  cert = companyCert(sim.ca);
});
afterAll(async () => sim.close());

const authorize = (xml: string, o: { cert?: IssuedCertificate; path?: string } = {}) =>
  call(sim.httpsUrl, sim.ca, o.path ?? '/SP/NFeAutorizacao4', 'NFeAutorizacao4', xml, { cert: o.cert ?? cert });

describe('NFeStatusServico4', () => {
  it('answers 107 with tMed, SP offset and verAplic', async () => {
    const r = await call(sim.httpsUrl, sim.ca, '/sp/nfestatusservico4', 'NFeStatusServico4', consStatServ('35'), { cert });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4">');
    expect(r.body).toMatch(/<retConsStatServ versao="4.00" xmlns="http:\/\/www.portalfiscal.inf.br\/nfe"><tpAmb>2<\/tpAmb><verAplic>SP_NFE_PL009_V4<\/verAplic><cStat>107<\/cStat><xMotivo>Serviço em Operação<\/xMotivo><cUF>35<\/cUF><dhRecbto>[^<]+-03:00<\/dhRecbto><tMed>1<\/tMed>/);
  });

  it('rejects a tpAmb that differs from the endpoint (252) and a UF not served (226)', async () => {
    const prod = await call(sim.httpsUrl, sim.ca, '/producao/SP/NFeStatusServico4', 'NFeStatusServico4', consStatServ('35', '2'), { cert });
    expect(prod.cStats).toEqual(['252']);
    const other = await call(sim.httpsUrl, sim.ca, '/SP/NFeStatusServico4', 'NFeStatusServico4', consStatServ('43'), { cert });
    expect(other.cStats).toEqual(['226']);
  });

  it('answers SOAP 1.1 in SOAP 1.1', async () => {
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeStatusServico4', 'NFeStatusServico4', consStatServ('35'), { cert, soap11: true });
    expect(r.body).toContain('http://schemas.xmlsoap.org/soap/envelope/');
    expect(r.cStats).toEqual(['107']);
  });

  it('refuses a request without client certificate (HTTP 403, 280)', async () => {
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeStatusServico4', 'NFeStatusServico4', consStatServ('35'));
    expect(r.status).toBe(403);
    expect(r.body).toContain('280 - Rejeição: Certificado Transmissor inválido');
  });

  it('serves a WSDL with the real names', async () => {
    const r = await adminCall(sim.httpsUrl, sim.ca, 'GET', '/SP/NFeAutorizacao4?wsdl');
    expect(r.json).toContain('targetNamespace="http://www.portalfiscal.inf.br/nfe/wsdl/NFeAutorizacao4"');
    expect(r.json).toContain('soapAction="http://www.portalfiscal.inf.br/nfe/wsdl/NFeAutorizacao4/nfeAutorizacaoLote"');
    expect(r.json).toContain('<wsdl:part name="nfeDadosMsg" element="tns:nfeDadosMsg"/>');
  });
});

describe('NFeAutorizacao4 (sync)', () => {
  it('authorises a valid NF-e (104 + protNFe 100) and consulta tells the truth', async () => {
    const nfe = buildNfe({ nNF: num() });
    const signed = await sign(nfe.xml, 'infNFe', cert);
    const r = await authorize(enviNFe([signed], '1'));
    expect(r.cStats).toEqual(['104', '100']);
    const nProt = tagValue(r.body, 'nProt')!;
    expect(nProt).toMatch(new RegExp(`^135${String(new Date().getUTCFullYear() % 100).padStart(2, '0')}\\d{10}$`));
    expect(tagValue(r.body, 'chNFe')).toBe(nfe.chave);
    expect(tagValue(r.body, 'digVal')).toBe(/<DigestValue>([^<]+)</.exec(signed)![1]);
    const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
    expect(c.cStats).toEqual(['100', '100']);
    expect(c.body).toContain(`<nProt>${nProt}</nProt>`);
  });

  it('rejects an NF-e altered by one byte after signing (297) and does not store it', async () => {
    const nfe = buildNfe({ nNF: num() });
    const tampered = (await sign(nfe.xml, 'infNFe', cert)).replace('EMPRESA TESTE LTDA', 'EMPRESA TESTE LTDB');
    const r = await authorize(enviNFe([tampered], '1'));
    expect(r.cStats).toEqual(['104', '297']);
    expect(r.body).not.toContain('<nProt>');
    const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
    expect(c.cStats).toEqual(['217']);
  });

  it('rejects a signature by another company (213)', async () => {
    const nfe = buildNfe({ nNF: num() });
    const r = await authorize(enviNFe([await sign(nfe.xml, 'infNFe', companyCert(sim.ca, OTHER_CNPJ))], '1'));
    expect(r.cStats).toEqual(['104', '213']);
  });

  it('accepts an NF-e signed independently with xmlsec1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-xmlsec-'));
    try {
      const nfe = buildNfe({ nNF: num() });
      const template = nfe.xml.replace('</NFe>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
        '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
        '<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>' +
        `<Reference URI="#NFe${nfe.chave}"><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
        '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></Transforms>' +
        '<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><DigestValue/></Reference></SignedInfo>' +
        '<SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature></NFe>');
      writeFileSync(path.join(dir, 'tmpl.xml'), template);
      writeFileSync(path.join(dir, 'key.pem'), cert.keyPem);
      writeFileSync(path.join(dir, 'cert.pem'), cert.certPem);
      const signed = execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${path.join(dir, 'key.pem')},${path.join(dir, 'cert.pem')}`,
        '--id-attr:Id', 'http://www.portalfiscal.inf.br/nfe:infNFe', path.join(dir, 'tmpl.xml')], { encoding: 'utf8' })
        .replace(/^<\?xml[^>]*\?>\s*/, '').trim();
      const r = await authorize(enviNFe([signed], '1'));
      expect(r.cStats).toEqual(['104', '100']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 204 with the original protocol, and 539 for the same number under another key', async () => {
    const n = num();
    const nfe = buildNfe({ nNF: n });
    const signed = await sign(nfe.xml, 'infNFe', cert);
    const first = await authorize(enviNFe([signed], '1'));
    const nProt = tagValue(first.body, 'nProt')!;
    const dhAut = /<protNFe[\s\S]*<dhRecbto>([^<]+)</.exec(first.body)![1];
    const again = await authorize(enviNFe([signed], '1'));
    expect(again.cStats).toEqual(['104', '204']);
    expect(tagValue(again.body, 'xMotivo')).toBe('Lote processado');
    expect(again.body).toContain(`<xMotivo>Rejeição: Duplicidade de NF-e [nProt:${nProt}][dhAut:${dhAut}]</xMotivo>`);
    const otherKey = buildNfe({ nNF: n, cNF: '56473829' });
    const dup = await authorize(enviNFe([await sign(otherKey.xml, 'infNFe', cert)], '1'));
    expect(dup.cStats).toEqual(['104', '539']);
    expect(dup.body).toContain(`[chNFe:${nfe.chave}]`);
  });

  it('applies the business rules: 252, 226, 598, 703, 228, 897, 570, 556, 557, 558, 569', async () => {
    const cases: [Parameters<typeof buildNfe>[0], string, string?][] = [
      [{ nNF: num(), tpAmb: '1' }, '252'],
      [{ nNF: num(), cUF: '43', uf: 'RS', cMun: '4314902' }, '226'],
      [{ nNF: num(), destName: 'CLIENTE QUALQUER' }, '598'],
      [{ nNF: num(), dhEmi: new Date(Date.now() + 3_600_000) }, '703'],
      [{ nNF: num(), dhEmi: new Date(Date.now() - 40 * DAY) }, '228'],
      [{ nNF: num(), cNF: '12345678' }, '897'],
      [{ nNF: num(), tpEmis: '6' }, '570'],
      [{ nNF: num(), cont: true }, '556'],
      [{ nNF: num(), tpEmis: '4', cont: false }, '557'],
      [{ nNF: num(), tpEmis: '2', dhCont: new Date(Date.now() + 3_600_000) }, '558'],
      [{ nNF: num(), tpEmis: '2', dhCont: new Date(Date.now() - 40 * DAY) }, '569'],
    ];
    for (const [params, cStat] of cases) {
      const r = await authorize(enviNFe([await sign(buildNfe(params).xml, 'infNFe', cert)], '1'));
      expect([params.nNF, r.cStats]).toEqual([params.nNF, ['104', cStat]]);
    }
  });

  it('denies (302) a configured destinatário: stored, number consumed, consulta 302', async () => {
    const denied = (await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/denials', { cnpj: DEST_CNPJ, role: 'dest' })).status;
    expect(denied).toBe(201);
    try {
      const nfe = buildNfe({ nNF: num() });
      const r = await authorize(enviNFe([await sign(nfe.xml, 'infNFe', cert)], '1'));
      expect(r.cStats).toEqual(['104', '302']);
      expect(r.body).toContain('<nProt>');
      const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
      expect(c.cStats[0]).toBe('302');
    } finally {
      await adminCall(sim.httpsUrl, sim.ca, 'DELETE', '/__admin/denials');
    }
  });

  it('rejects lote-level problems: 225 with the XSD message, 243, 764', async () => {
    const nfe = buildNfe({ nNF: num() });
    const broken = await sign(nfe.xml.replace('<natOp>Venda de mercadoria</natOp>', ''), 'infNFe', cert);
    const schema = await authorize(enviNFe([broken], '1'));
    expect(schema.cStats).toEqual(['225']);
    expect(tagValue(schema.body, 'xMotivo')).toMatch(/^Rejeição: Falha no Schema XML do lote de NFe: linha \d+: .*natOp|^Rejeição: Falha no Schema XML do lote de NFe: .*mod/);
    const malformed = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', '', { cert, rawBody: '<soap:Envelope><broken' });
    expect(malformed.cStats).toEqual(['243']);
    const two = await Promise.all([buildNfe({ nNF: num() }), buildNfe({ nNF: num() })].map((n) => sign(n.xml, 'infNFe', cert)));
    const sync2 = await authorize(enviNFe(two, '1'));
    expect(sync2.cStats).toEqual(['764']);
  });
});

describe('limits and environments', () => {
  it('answers 214 to a message over 500 KB without processing it', async () => {
    const nfe = buildNfe({ nNF: num() });
    const padding = `<!-- ${'x'.repeat(501 * 1024)} -->`;
    const rawBody = envelope('NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', cert)], '1')).replace('</soap:Body>', `${padding}</soap:Body>`);
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', '', { cert, rawBody });
    expect(r.cStats).toEqual(['214']);
    expect(r.body).toContain('<retEnviNFe versao="4.00"');
    const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
    expect(c.cStats).toEqual(['217']);
  });

  it.each<[Operation, string]>([
    ['NFeStatusServico4', 'retConsStatServ'],
    ['NFeAutorizacao4', 'retEnviNFe'],
    ['NFeRetAutorizacao4', 'retConsReciNFe'],
    ['NFeConsultaProtocolo4', 'retConsSitNFe'],
    ['NFeInutilizacao4', 'retInutNFe'],
    ['NFeRecepcaoEvento4', 'retEnvEvento'],
  ])('%s: a message over its limit (fiscal/sefaz-limits.ts) is answered 214 in %s, the SEFAZ way', async (operation, ret) => {
    const limit = limitsOf(operation).maxMessageBytes;
    const padding = `<!-- ${'x'.repeat(limit)} -->`;
    const rawBody = envelope(operation, consStatServ('35')).replace('</soap:Body>', `${padding}</soap:Body>`);
    const r = await call(sim.httpsUrl, sim.ca, `/SP/${operation}`, operation, '', { cert, rawBody });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<${ret} versao=`);
    expect(r.cStats).toEqual(['214']);
    expect(tagValue(r.body, 'xMotivo')).toBe('Rejeição: Tamanho da mensagem excedeu o limite estabelecido');
  });

  it('a lote of ~10 MB (past the old 5 MB read limit) gets 214 too, not a connection reset', async () => {
    const nfe = buildNfe({ nNF: num() });
    const padding = `<!-- ${'x'.repeat(10 * 1024 * 1024)} -->`;
    const rawBody = envelope('NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', cert)], '1')).replace('</soap:Body>', `${padding}</soap:Body>`);
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', '', { cert, rawBody });
    expect(r.status).toBe(200);
    expect(r.cStats).toEqual(['214']);
    expect(r.body).toContain('<retEnviNFe versao="4.00"');
    expect(sim.state.getDocument(nfe.chave, '2')).toBeUndefined();
  });

  it('serves produção under /producao/: tpAmb 1 is authorised there and unknown to homologação; tpAmb 2 → 252', async () => {
    const prod = buildNfe({ nNF: num(), tpAmb: '1' });
    const r = await authorize(enviNFe([await sign(prod.xml, 'infNFe', cert)], '1'), { path: '/producao/SP/NFeAutorizacao4' });
    expect(r.cStats).toEqual(['104', '100']);
    expect(r.body).toContain('<retEnviNFe versao="4.00" xmlns="http://www.portalfiscal.inf.br/nfe"><tpAmb>1</tpAmb>');
    const consultaProd = await call(sim.httpsUrl, sim.ca, '/producao/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(prod.chave, '1'), { cert });
    expect(consultaProd.cStats).toEqual(['100', '100']);
    const consultaHom = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(prod.chave), { cert });
    expect(consultaHom.cStats).toEqual(['217']);
    const hom = buildNfe({ nNF: num() });
    expect((await authorize(enviNFe([await sign(hom.xml, 'infNFe', cert)], '1'), { path: '/producao/SP/NFeAutorizacao4' })).cStats).toEqual(['104', '252']);
  });
});

describe('NFeAutorizacao4 (async) and NFeRetAutorizacao4', () => {
  it('452 for a single-NF-e async lote', async () => {
    const r = await authorize(enviNFe([await sign(buildNfe({ nNF: num() }).xml, 'infNFe', cert)], '0'));
    expect(r.cStats).toEqual(['452']);
  });

  it('103 → 104 with one protNFe per NF-e; 223 for another transmitter; 106 unknown', async () => {
    const nfes = [buildNfe({ nNF: num() }), buildNfe({ nNF: num() })];
    const r = await authorize(enviNFe(await Promise.all(nfes.map((n) => sign(n.xml, 'infNFe', cert))), '0'));
    expect(r.cStats).toEqual(['103']);
    const nRec = tagValue(r.body, 'nRec')!;
    expect(nRec).toMatch(/^351\d{12}$/);
    const ret = await call(sim.httpsUrl, sim.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe(nRec), { cert });
    expect(ret.cStats).toEqual(['104', '100', '100']);
    expect(ret.body).toContain(nfes[1]!.chave);
    const other = await call(sim.httpsUrl, sim.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe(nRec), { cert: companyCert(sim.ca, OTHER_CNPJ) });
    expect(other.cStats).toEqual(['223']);
    const unknown = await call(sim.httpsUrl, sim.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe('351999999999999'), { cert });
    expect(unknown.cStats).toEqual(['106']);
  });
});

it('uses the emitter as transmitter on the plain-HTTP listener', async () => {
  const plain = await startSimulator({ httpPort: 0, ca: sim.ca });
  try {
    const nfes = await Promise.all([buildNfe({ nNF: num() }), buildNfe({ nNF: num() })].map((n) => sign(n.xml, 'infNFe', cert)));
    const r = await call(plain.httpsUrl, plain.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe(nfes, '0'), { httpUrl: plain.httpUrl });
    expect(r.cStats).toEqual(['103']);
    // Over HTTPS the emitter's certificate is the same transmitter, so it may fetch the result.
    const ret = await call(plain.httpsUrl, plain.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe(tagValue(r.body, 'nRec')!), { cert });
    expect(ret.cStats).toEqual(['104', '100', '100']);
    expect(plain.state.getLote(tagValue(r.body, 'nRec')!)?.transmitter).toBe(EMIT_CNPJ);
  } finally {
    await plain.close();
  }
});
