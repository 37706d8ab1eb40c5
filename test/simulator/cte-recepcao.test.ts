// CT-e 4.00 at the simulator through the gateway's own client over HTTPS/mTLS: CTeRecepcaoSincV4
// (gzip+base64) in SEFAZ's validation order, CTeConsultaV4 (the truth, also after a lost answer), 678,
// CTeStatusServicoV4 at the authorizers and at the SVCs (107/113/114), fault injection by authorizer+service.
import { loadXsdValidator } from '../../src/xml/xsd';
import { cteProc } from '../../src/sefaz/proc';
import { consSitCTe } from '../../src/sefaz/cte-messages';
import { SefazMessageTooLarge } from '../../src/sefaz/errors';
import type { SefazClient } from '../../src/sefaz/client';
import type { SefazCredentials, SefazTransport } from '../../src/sefaz/transport';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { IssuedCertificate } from '../../src/signing/testca';
import { adminCall, call, companyCert, SCHEMAS_DIR, tagValue } from './helpers';
import { buildCte, cteClient, CTE_EMIT_CNPJ, signCte, type CteParams } from './cte-fixture';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let client: SefazClient;
let transport: SefazTransport;
let creds: SefazCredentials;
let nextNumber = 100;
const num = () => nextNumber++;
const MT = { uf: 'MT', tpAmb: '2' as const };
const CONSULTAS_PER_HOUR = 3;
const DAY = 86_400_000;
let clockOffsetMs = 0;

beforeAll(async () => {
  sim = await startSimulator({
    schemasDir: SCHEMAS_DIR, now: () => new Date(Date.now() + clockOffsetMs),
    cteConsumo: { consultasPerHour: CONSULTAS_PER_HOUR, authorisationRejections: 2 },
  });
  cert = companyCert(sim.ca, CTE_EMIT_CNPJ);
  ({ client, transport, creds } = cteClient(sim, cert));
});
afterAll(async () => {
  transport.close();
  await sim.close();
});
afterEach(async () => {
  clockOffsetMs = 0;
  await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/reset');
});

async function signed(p: Partial<CteParams> = {}) {
  const cte = buildCte({ nCT: num(), ...p });
  return { ...cte, signed: await signCte(cte.xml, cert) };
}

/** A raw SOAP call to a CT-e service, for bodies the client would never write. */
function rawCall(urlPath: string, cteDadosMsgText: string, operation: 'CTeRecepcaoSincV4' | 'CTeStatusServicoV4' | 'CTeConsultaV4' = 'CTeRecepcaoSincV4') {
  const rawBody = '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>' +
    `<cteDadosMsg xmlns="http://www.portalfiscal.inf.br/cte/wsdl/${operation}">${cteDadosMsgText}</cteDadosMsg></soap:Body></soap:Envelope>`;
  return call(sim.httpsUrl, sim.ca, urlPath, operation, '', { cert, rawBody });
}

/** xmlsec1 checks the infCte signature inside the cteProc against the simulator's CA. */
function xmlsecVerifies(xml: string, caPem: string): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'cte-proc-'));
  try {
    writeFileSync(path.join(dir, 'proc.xml'), xml);
    writeFileSync(path.join(dir, 'ca.pem'), caPem);
    execFileSync('xmlsec1', ['--verify', '--id-attr:Id', 'http://www.portalfiscal.inf.br/cte:infCte', '--trusted-pem', path.join(dir, 'ca.pem'), path.join(dir, 'proc.xml')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('CTeRecepcaoSincV4', () => {
  it('100 with protCTe (nProt of MT, digVal of the signature); the cteProc validates against procCTe_v4.00.xsd; consulta answers the same protocol', async () => {
    const cte = await signed();
    const r = await client.cteRecepcao(MT, creds, cte.signed);
    expect(r).toMatchObject({ cStat: '100', cUF: '51', xMotivo: 'Autorizado o uso do CT-e' });
    expect(r.endpoint.url).toBe(`${sim.httpsUrl}/MT/CTeRecepcaoSincV4`);
    expect(r.prot).toMatchObject({ chCTe: cte.chave, cStat: '100', digVal: tagValue(cte.signed, 'DigestValue') });
    expect(r.prot!.nProt).toMatch(/^151\d{12}$/);
    expect(r.xml).toContain(r.prot!.raw);
    const proc = cteProc(cte.signed, r.prot!.raw);
    const validator = await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', 'procCTe_v4.00.xsd'));
    expect(validator.validate(proc)).toEqual({ ok: true });
    expect(xmlsecVerifies(proc, sim.ca.certPem)).toBe(true);
    const c = await client.cteConsulta(MT, creds, cte.chave);
    expect(c).toMatchObject({ cStat: '100', prot: { nProt: r.prot!.nProt, raw: r.prot!.raw }, eventos: [] });
  });

  it('244 when cteDadosMsg is not gzip+base64 (the CT-e inline, as NF-e would send it)', async () => {
    const cte = await signed();
    const r = await rawCall('/MT/CTeRecepcaoSincV4', cte.signed);
    expect(r.body).toContain('<retCTe versao="4.00"');
    expect(r.cStats).toEqual(['244']);
    expect(tagValue(r.body, 'xMotivo')).toBe('Rejeição: Falha na descompactação da área de dados');
  });

  it('214 past 512 KB, answered in retCTe; the client never writes such a message', async () => {
    const padding = `<!-- ${'x'.repeat(512 * 1024)} -->`;
    const r = await rawCall('/MT/CTeRecepcaoSincV4', `H4sI${padding}`);
    expect(r.cStats).toEqual(['214']);
    expect(r.body).toContain('<retCTe versao="4.00"');
    const random = (await import('node:crypto')).randomBytes(400 * 1024).toString('hex'); // incompressible
    const big = (await signed()).signed.replace('<xObs>', `<xObs>${random}`);
    await expect(client.cteRecepcao(MT, creds, big)).rejects.toBeInstanceOf(SefazMessageTooLarge);
  });

  it('215 for a CT-e outside cte_v4.00.xsd, 580 for a modal outside its own schema', async () => {
    const noName = await signCte(buildCte({ nCT: num() }).xml.replace(/<xNome>INVIOSEG SEGURANCA PRIVADA LTDA<\/xNome>/, ''), cert);
    const r = await client.cteRecepcao(MT, creds, noName);
    expect(r.cStat).toBe('215');
    expect(r.prot).toBeUndefined();
    const modal = await signed({ rntrc: 'ABC' });
    const m = await client.cteRecepcao(MT, creds, modal.signed);
    expect(m.cStat).toBe('580');
    expect(m.xMotivo).toContain('RNTRC');
  });

  it('a signature that does not match (297) and a signer of another CNPJ (213)', async () => {
    const cte = await signed();
    const tampered = cte.signed.replace('<vTPrest>50635.27</vTPrest>', '<vTPrest>1.00</vTPrest>');
    expect((await client.cteRecepcao(MT, creds, tampered)).cStat).toBe('297');
    const other = await signCte(buildCte({ nCT: num() }).xml, companyCert(sim.ca, '37442605000142'));
    expect((await client.cteRecepcao(MT, creds, other)).cStat).toBe('213');
  });

  it('253 for a wrong check digit, 227 for a key that does not match ide, 252 for produção data at homologação, 226 at another UF', async () => {
    const good = buildCte({ nCT: num() });
    const wrongDv = String((Number(good.chave[43]) + 1) % 10);
    const badKey = good.xml.replace(`CTe${good.chave}`, `CTe${good.chave.slice(0, 43)}${wrongDv}`).replace(`<cDV>${good.chave[43]}</cDV>`, `<cDV>${wrongDv}</cDV>`);
    expect((await client.cteRecepcao(MT, creds, await signCte(badKey, cert))).cStat).toBe('253');
    const otherNumber = good.xml.replace(/<nCT>\d+<\/nCT>/, '<nCT>999999</nCT>');
    expect((await client.cteRecepcao(MT, creds, await signCte(otherNumber, cert))).cStat).toBe('227');
    expect((await client.cteRecepcao(MT, creds, (await signed({ tpAmb: '1' })).signed)).cStat).toBe('252');
    expect((await client.cteRecepcao({ ...MT, authorizer: 'SP' }, creds, (await signed()).signed)).cStat).toBe('226');
  });

  it('duplicity: the same CT-e again 204 with its protocol, the same number with another cCT 539', async () => {
    const nCT = num();
    const cte = await signed({ nCT });
    const first = await client.cteRecepcao(MT, creds, cte.signed);
    expect(first.cStat).toBe('100');
    const again = await client.cteRecepcao(MT, creds, cte.signed);
    expect(again.cStat).toBe('204');
    expect(again.xMotivo).toContain(`[nProt:${first.prot!.nProt}]`);
    const otherCct = await signed({ nCT, cCT: '12345678' });
    const r = await client.cteRecepcao(MT, creds, otherCct.signed);
    expect(r.cStat).toBe('539');
    expect(r.xMotivo).toContain(`[chCTe:${cte.chave}]`);
  });

  it('678 once the same rejection repeats past the CI01 threshold', async () => {
    const prod = (await signed({ tpAmb: '1' })).signed;
    expect((await client.cteRecepcao(MT, creds, prod)).cStat).toBe('252');
    expect((await client.cteRecepcao(MT, creds, prod)).cStat).toBe('252');
    expect((await client.cteRecepcao(MT, creds, prod)).cStat).toBe('678');
  });

  it('SVC: tpEmis 7 at SVC-RS 100 (nProt 7…), tpEmis 1 at the SVC 516, tpEmis 7 at the normal authorizer 515', async () => {
    const svc = await signed({ tpEmis: '7' });
    const r = await client.cteRecepcao({ ...MT, authorizer: 'SVCRS' }, creds, svc.signed);
    expect(r.cStat).toBe('100');
    expect(r.prot!.nProt).toMatch(/^751/);
    expect((await client.cteRecepcao({ ...MT, authorizer: 'SVCRS' }, creds, (await signed()).signed)).cStat).toBe('516');
    expect((await client.cteRecepcao(MT, creds, (await signed({ tpEmis: '7' })).signed)).cStat).toBe('515');
  });

  it('SVC switched off by the origin UF (admin /__admin/svc): the CT-e is refused with 114 and not stored; an announced end that has passed refuses it too', async () => {
    const svcMt = { ...MT, authorizer: 'SVCRS' };
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MT', tpAmb: '2', active: false });
    try {
      const off = await signed({ tpEmis: '7' });
      const r = await client.cteRecepcao(svcMt, creds, off.signed);
      expect(r).toMatchObject({ cStat: '114', xMotivo: 'SVC desabilitada pela SEFAZ de Origem' });
      expect(r.prot).toBeUndefined();
      expect((await client.cteConsulta(MT, creds, off.chave)).cStat).toBe('217');
      await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MT', tpAmb: '2', deactivateAt: new Date(Date.now() - 60_000).toISOString() });
      expect((await client.cteRecepcao(svcMt, creds, (await signed({ tpEmis: '7' })).signed)).cStat).toBe('114');
    } finally {
      await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MT', tpAmb: '2', active: true });
    }
    expect((await client.cteRecepcao(svcMt, creds, (await signed({ tpEmis: '7' })).signed)).cStat).toBe('100');
  });

  it('verAplic names the CT-e schema package, not NF-e\'s: retCTe, protCTe, consulta and status', async () => {
    const cte = await signed();
    const r = await client.cteRecepcao(MT, creds, cte.signed);
    expect(r.verAplic).toBe('MT_CTE_PL_CTe_400');
    expect(r.prot!.verAplic).toBe('MT_CTE_PL_CTe_400');
    expect((await client.cteConsulta(MT, creds, cte.chave)).verAplic).toBe('MT_CTE_PL_CTe_400');
    expect((await client.cteStatusServico({ ...MT, authorizer: 'SVCRS' }, creds)).verAplic).toBe('SVCRS_CTE_PL_CTe_400');
  });

  it('an SVRS and an SVSP UF: RJ at SVRS (nProt 3…), PE at SVSP (nProt 5…)', async () => {
    const rj = await client.cteRecepcao({ uf: 'RJ', tpAmb: '2' }, creds, (await signed({ uf: 'RJ' })).signed);
    expect(rj.endpoint.url).toBe(`${sim.httpsUrl}/SVRS/CTeRecepcaoSincV4`);
    expect(rj.prot!.nProt).toMatch(/^333/);
    const pe = await client.cteRecepcao({ uf: 'PE', tpAmb: '2' }, creds, (await signed({ uf: 'PE' })).signed);
    expect(pe.endpoint.url).toBe(`${sim.httpsUrl}/SVSP/CTeRecepcaoSincV4`);
    expect(pe.prot!.nProt).toMatch(/^526/);
  });
});

describe('faults keyed by authorizer and CT-e service', () => {
  it('lose-response: the CT-e is authorised but the answer never arrives; consulta tells the truth', async () => {
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/faults', { authorizer: 'MT', service: 'CTeRecepcaoSincV4', mode: 'lose-response', times: 1 });
    const cte = await signed();
    await expect(client.cteRecepcao(MT, creds, cte.signed)).rejects.toMatchObject({ requestSent: true });
    const c = await client.cteConsulta(MT, creds, cte.chave);
    expect(c.cStat).toBe('100');
    expect(c.prot).toMatchObject({ chCTe: cte.chave, cStat: '100' });
  });

  it('paralisado answers 108 in retCTe; a reject fault answers its cStat; another service of the authorizer is untouched', async () => {
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/faults', { authorizer: 'MT', service: 'CTeRecepcaoSincV4', mode: 'paralisado', times: 1 });
    expect((await client.cteRecepcao(MT, creds, (await signed()).signed)).cStat).toBe('108');
    expect((await client.cteStatusServico(MT, creds)).cStat).toBe('107');
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/faults', { authorizer: 'MT', service: 'CTeRecepcaoSincV4', mode: 'reject', cStat: '999', times: 1 });
    expect((await client.cteRecepcao(MT, creds, (await signed()).signed)).cStat).toBe('999');
  });
});

describe('CTeConsultaV4', () => {
  it('217 for a key never authorised, 252 for the wrong environment, 678 past the CI02 threshold of one key per hour', async () => {
    const never = buildCte({ nCT: num() }).chave;
    for (let i = 0; i < CONSULTAS_PER_HOUR; i++) expect((await client.cteConsulta(MT, creds, never)).cStat).toBe('217');
    expect((await client.cteConsulta(MT, creds, never)).cStat).toBe('678');
    const homologacaoAtProducao = await rawCall('/producao/MT/CTeConsultaV4', consSitCTe('2', buildCte({ nCT: num() }).chave), 'CTeConsultaV4');
    expect(homologacaoAtProducao.cStats).toEqual(['252']);
  });

  it('731 for a CT-e emitted more than 180 days ago; 100 the day before', async () => {
    const cte = await signed();
    expect((await client.cteRecepcao(MT, creds, cte.signed)).cStat).toBe('100');
    clockOffsetMs = 179 * DAY;
    expect((await client.cteConsulta(MT, creds, cte.chave)).cStat).toBe('100');
    clockOffsetMs = 181 * DAY;
    const old = await client.cteConsulta(MT, creds, cte.chave);
    expect(old).toMatchObject({ cStat: '731', eventos: [] });
    expect(old.prot).toBeUndefined();
  });
});

describe('CTeStatusServicoV4', () => {
  it('107 at MT with tMed; 226 for a UF the authorizer does not serve', async () => {
    const r = await client.cteStatusServico(MT, creds);
    expect(r).toMatchObject({ cStat: '107', cUF: '51', tMed: '1' });
    expect(r.endpoint.url).toBe(`${sim.httpsUrl}/MT/CTeStatusServicoV4`);
    expect((await client.cteStatusServico({ ...MT, authorizer: 'SP' }, creds)).cStat).toBe('226');
  });

  it('at the SVC: 107 while active, 113 with dhRetorno once its end is announced, 114 when the origin UF disables it or for a UF it does not serve', async () => {
    const svc = { uf: 'MS', tpAmb: '2' as const, authorizer: 'SVCRS' };
    expect((await client.cteStatusServico(svc, creds)).cStat).toBe('107');
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MS', tpAmb: '2', deactivateAt: ends });
    const announced = await client.cteStatusServico(svc, creds);
    expect(announced.cStat).toBe('113');
    expect(announced.dhRetorno).toBeDefined();
    expect(Date.parse(announced.dhRetorno!)).toBe(Math.floor(Date.parse(ends) / 1000) * 1000);
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MS', tpAmb: '2', active: false });
    expect((await client.cteStatusServico(svc, creds)).cStat).toBe('114');
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'MS', tpAmb: '2', active: true });
    expect((await client.cteStatusServico({ ...svc, uf: 'RJ' }, creds)).cStat).toBe('114');
    expect((await client.cteStatusServico({ uf: 'RJ', tpAmb: '2', authorizer: 'SVCSP' }, creds)).cStat).toBe('107');
  });

  it('CT-e services exist only at CT-e authorizers, NF-e services only at NF-e ones (404 otherwise)', async () => {
    expect((await rawCall('/BA/CTeStatusServicoV4', '', 'CTeStatusServicoV4')).status).toBe(404);
    expect((await call(sim.httpsUrl, sim.ca, '/SVSP/NFeStatusServico4', 'NFeStatusServico4', '', { cert })).status).toBe(404);
  });
});
