// Events (cancel, cancel by substitution, CC-e, EPEC), inutilização, SVC-AN/SVC-RS and NFC-e rules over
// mutual-TLS HTTPS.
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { IssuedCertificate } from '../../src/signing/testca';
import {
  adminCall, buildNfe, call, companyCert, consSitNFe, CSC, detCancel, detCancSubst, detCce, detEpec, enviNFe, envEvento, evento, inutNFe, SCHEMAS_DIR,
  sign, tagValue, EMIT_CNPJ, OTHER_CNPJ, consStatServ, type BuiltNfe,
} from './helpers';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let nextNumber = 9000;
let clockOffsetMs = 0;
const num = () => nextNumber++;
const HOUR = 3_600_000;
/** The simulator's current time. */
const simNow = () => new Date(Date.now() + clockOffsetMs);

beforeAll(async () => {
  sim = await startSimulator({ schemasDir: SCHEMAS_DIR, now: () => new Date(Date.now() + clockOffsetMs) });
  cert = companyCert(sim.ca);
  sim.registerCsc(EMIT_CNPJ, 1, CSC);
});
afterAll(async () => sim.close());
afterEach(() => {
  clockOffsetMs = 0;
});

async function authorized(params: Partial<Parameters<typeof buildNfe>[0]> = {}, authPath = '/SP/NFeAutorizacao4') {
  const nNF = params.nNF ?? num();
  const nfe = buildNfe({ ...params, nNF });
  const r = await call(sim.httpsUrl, sim.ca, authPath, 'NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', cert)], '1'), { cert });
  return { ...nfe, nNF, cStats: r.cStats, nProt: tagValue(r.body, 'nProt') ?? '' };
}

const sendEvents = async (eventos: (string | Promise<string>)[], authPath = '/SP/NFeRecepcaoEvento4') =>
  call(sim.httpsUrl, sim.ca, authPath, 'NFeRecepcaoEvento4', envEvento(await Promise.all(eventos)), { cert });
const consulta = (chave: string, authPath = '/SP/NFeConsultaProtocolo4') =>
  call(sim.httpsUrl, sim.ca, authPath, 'NFeConsultaProtocolo4', consSitNFe(chave), { cert });

describe('cancelamento (110111)', () => {
  it('135, then consulta 101 with the procEventoNFe, then 573 for the same event again', async () => {
    const nfe = await authorized();
    expect(nfe.cStats).toEqual(['104', '100']);
    const ev = evento({ chave: nfe.chave, tpEvento: '110111', det: detCancel(nfe.nProt) }, cert);
    const r = await sendEvents([ev]);
    expect(r.cStats).toEqual(['128', '135']);
    expect(tagValue(r.body, 'nProt')).toMatch(/^135\d{12}$/);
    const c = await consulta(nfe.chave);
    expect(c.cStats[0]).toBe('101');
    expect(c.body).toContain('<procEventoNFe versao="1.00"');
    expect((await sendEvents([ev])).cStats).toEqual(['128', '573']);
  });

  it('222 for another protocol, 501 after 24 h, 217 for an unknown key', async () => {
    const nfe = await authorized();
    expect((await sendEvents([evento({ chave: nfe.chave, tpEvento: '110111', det: detCancel('135000000000001') }, cert)])).cStats).toEqual(['128', '222']);
    clockOffsetMs = 25 * 3_600_000;
    const late = evento({ chave: nfe.chave, tpEvento: '110111', det: detCancel(nfe.nProt), dhEvento: new Date(Date.now() + clockOffsetMs) }, cert);
    expect((await sendEvents([late])).cStats).toEqual(['128', '501']);
    clockOffsetMs = 0;
    const unknown = buildNfe({ nNF: num() });
    expect((await sendEvents([evento({ chave: unknown.chave, tpEvento: '110111', det: detCancel('135000000000001') }, cert)])).cStats).toEqual(['128', '217']);
  });

  it('579 for a dhEvento before the authorisation of an NF-e issued normally', async () => {
    const nfe = await authorized();
    // dhEmi is one minute ago: 30 s ago passes 577 and falls before the authorisation.
    const early = evento({ chave: nfe.chave, tpEvento: '110111', det: detCancel(nfe.nProt), dhEvento: new Date(Date.now() - 30_000) }, cert);
    expect((await sendEvents([early])).cStats).toEqual(['128', '579']);
    expect((await consulta(nfe.chave)).cStats[0]).toBe('100');
  });

  it('572 for an Id that does not match the fields', async () => {
    const nfe = await authorized();
    const ev = evento({ chave: nfe.chave, tpEvento: '110111', det: detCancel(nfe.nProt) }, cert);
    // Re-sign after changing the Id so only the Id rule can fail.
    const unsigned = (await ev).replace(/<Signature[\s\S]*<\/Signature>/, '').replace(/Id="ID110111(\d{44})01"/, 'Id="ID110111$102"');
    expect((await sendEvents([sign(unsigned, 'infEvento', cert)])).cStats).toEqual(['128', '572']);
  });
});

describe('cancelamento por substituição (110112)', () => {
  it('135 with an authorised substitute NFC-e (consulta 101); 217 for an unknown or self-referencing chNFeRef', async () => {
    const original = await authorized({ mod: '65' });
    const substitute = await authorized({ mod: '65' });
    expect([original.cStats, substitute.cStats]).toEqual([['104', '100'], ['104', '100']]);
    const subst = (chNFeRef: string) => evento({ chave: original.chave, tpEvento: '110112', det: detCancSubst(original.nProt, chNFeRef) }, cert);
    for (const bad of [buildNfe({ mod: '65', nNF: num() }).chave, original.chave]) {
      const r = await sendEvents([subst(bad)]);
      expect(r.cStats).toEqual(['128', '217']);
      expect(r.body).toContain('NFC-e substituta (chNFeRef)');
    }
    const ok = await sendEvents([subst(substitute.chave)]);
    expect(ok.cStats).toEqual(['128', '135']);
    expect(ok.body).toContain('<xEvento>Cancelamento por substituição registrado</xEvento>');
    expect((await consulta(original.chave)).cStats[0]).toBe('101');
    expect((await consulta(substitute.chave)).cStats[0]).toBe('100');
  });
});

describe('carta de correção (110110)', () => {
  it('accepts increasing sequences and refuses a repeated one (573)', async () => {
    const nfe = await authorized();
    const cce = (nSeq: number) => evento({ chave: nfe.chave, tpEvento: '110110', nSeq, det: detCce(`Correcao numero ${nSeq} do endereco`) }, cert);
    expect((await sendEvents([cce(1)])).cStats).toEqual(['128', '135']);
    expect((await sendEvents([cce(2)])).cStats).toEqual(['128', '135']);
    expect((await sendEvents([cce(2)])).cStats).toEqual(['128', '573']);
    expect((await consulta(nfe.chave)).body.match(/<procEventoNFe /g)).toHaveLength(2);
  });

  it('accepts sequences arriving out of order (573 is only a repeated sequence)', async () => {
    const nfe = await authorized();
    const cce = (nSeq: number) => evento({ chave: nfe.chave, tpEvento: '110110', nSeq, det: detCce(`Correcao numero ${nSeq} do endereco`) }, cert);
    expect((await sendEvents([cce(3)])).cStats).toEqual(['128', '135']);
    expect((await sendEvents([cce(1)])).cStats).toEqual(['128', '135']);
    expect((await sendEvents([cce(1)])).cStats).toEqual(['128', '573']);
    expect((await consulta(nfe.chave)).body.match(/<procEventoNFe /g)).toHaveLength(2);
  });

  it('rejects a CC-e text shorter than 15 characters through the XSD (215)', async () => {
    const nfe = await authorized();
    const r = await sendEvents([evento({ chave: nfe.chave, tpEvento: '110110', det: detCce('curta') }, cert)]);
    expect(r.cStats).toEqual(['215']);
  });
});

describe('EPEC (110140) at AN and reconciliation', () => {
  it('136 with nProt 891…, consulta 124, then the NF-e tpEmis 4 → 100; a divergent one → 467', async () => {
    const n = num();
    const nfe = buildNfe({ nNF: n, tpEmis: '4' });
    const ev = evento({ chave: nfe.chave, tpEvento: '110140', cOrgao: '91', det: detEpec(nfe.dhEmi) }, cert);
    const r = await sendEvents([ev], '/AN/NFeRecepcaoEvento4');
    expect(r.cStats).toEqual(['128', '136']);
    expect(tagValue(r.body, 'cOrgao')).toBe('91');
    expect(tagValue(r.body, 'nProt')).toMatch(/^891\d{12}$/);
    expect((await consulta(nfe.chave)).cStats[0]).toBe('124');

    const divergent = buildNfe({ nNF: num(), tpEmis: '4' });
    await sendEvents([evento({ chave: divergent.chave, tpEvento: '110140', cOrgao: '91', det: detEpec(divergent.dhEmi, '999.00') }, cert)], '/AN/NFeRecepcaoEvento4');
    const bad = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(divergent.xml, 'infNFe', cert)], '1'), { cert });
    expect(bad.cStats).toEqual(['104', '467']);

    const ok = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', cert)], '1'), { cert });
    expect(ok.cStats).toEqual(['104', '100']);
    expect((await consulta(nfe.chave)).cStats[0]).toBe('100');
  });

  it('484 for a key without tpEmis 4 and 468 for tpEmis 4 without EPEC', async () => {
    const normal = buildNfe({ nNF: num() });
    const r = await sendEvents([evento({ chave: normal.chave, tpEvento: '110140', cOrgao: '91', det: detEpec(normal.dhEmi) }, cert)], '/AN/NFeRecepcaoEvento4');
    expect(r.cStats).toEqual(['128', '484']);
    const noEpec = await authorized({ tpEmis: '4' });
    expect(noEpec.cStats).toEqual(['104', '468']);
  });
});

describe('EPEC blocking (142) and late authorisation (150)', () => {
  it('142 listing the EPEC left unreconciled for 168 h; its NF-e then comes back 150 and unblocks the emitter', async () => {
    // Another emitter, so the unreconciled EPEC of the test above does not block this one.
    const otherCert = companyCert(sim.ca, OTHER_CNPJ);
    const epecOf = (nfe: BuiltNfe) =>
      evento({ chave: nfe.chave, tpEvento: '110140', cOrgao: '91', cnpj: OTHER_CNPJ, det: detEpec(nfe.dhEmi), dhEvento: simNow() }, otherCert);
    const pending = buildNfe({ nNF: num(), tpEmis: '4', cnpj: OTHER_CNPJ });
    expect((await sendEvents([epecOf(pending)], '/AN/NFeRecepcaoEvento4')).cStats).toEqual(['128', '136']);

    clockOffsetMs = 169 * HOUR;
    const next = buildNfe({ nNF: num(), tpEmis: '4', cnpj: OTHER_CNPJ, dhEmi: new Date(simNow().getTime() - 60_000) });
    const blocked = await sendEvents([epecOf(next)], '/AN/NFeRecepcaoEvento4');
    expect(blocked.cStats).toEqual(['128', '142']);
    expect(blocked.body).toContain(`<chNFePend>${pending.chave}</chNFePend>`);
    expect(blocked.body).not.toContain('<nProt>');

    const late = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(pending.xml, 'infNFe', otherCert)], '1'), { cert });
    expect(late.cStats).toEqual(['104', '150']);
    expect(tagValue(late.body, 'nProt')).toMatch(/^135\d{12}$/);
    expect((await consulta(pending.chave)).cStats[0]).toBe('150');
    expect((await sendEvents([epecOf(next)], '/AN/NFeRecepcaoEvento4')).cStats).toEqual(['128', '136']);
  });
});

describe('NFeInutilizacao4', () => {
  it('102 with nProt, 563 for the same range, 241 for a range holding an authorised number', async () => {
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeInutilizacao4', 'NFeInutilizacao4', await inutNFe({ nIni: 80000, nFin: 80005 }, cert), { cert });
    expect(r.cStats).toEqual(['102']);
    expect(tagValue(r.body, 'nProt')).toMatch(/^135\d{12}$/);
    expect(r.body).toContain('<nNFIni>80000</nNFIni><nNFFin>80005</nNFFin>');
    const again = await call(sim.httpsUrl, sim.ca, '/SP/NFeInutilizacao4', 'NFeInutilizacao4', await inutNFe({ nIni: 80000, nFin: 80005 }, cert), { cert });
    expect(again.cStats).toEqual(['563']);
    const overlap = await call(sim.httpsUrl, sim.ca, '/SP/NFeInutilizacao4', 'NFeInutilizacao4', await inutNFe({ nIni: 80004, nFin: 80010 }, cert), { cert });
    expect(overlap.cStats).toEqual(['256']);
    const used = await authorized();
    const clash = await call(sim.httpsUrl, sim.ca, '/SP/NFeInutilizacao4', 'NFeInutilizacao4', await inutNFe({ nIni: used.nNF, nFin: used.nNF + 1 }, cert), { cert });
    expect(clash.cStats).toEqual(['241']);
    const voided = await authorized({ nNF: 80003 });
    expect(voided.cStats).toEqual(['104', '206']);
  });
});

describe('SVC-AN', () => {
  it('accepts tpEmis 6 from an SP emitter; the SP consulta sees it and it counts for duplicity', async () => {
    const n = num();
    const svc = await authorized({ nNF: n, tpEmis: '6' }, '/SVCAN/NFeAutorizacao4');
    expect(svc.cStats).toEqual(['104', '100']);
    expect(svc.nProt).toMatch(/^635\d{12}$/);
    expect((await consulta(svc.chave)).cStats[0]).toBe('100');
    expect((await authorized({ nNF: n }, '/SP/NFeAutorizacao4')).cStats).toEqual(['104', '539']);
    expect((await authorized({ nNF: num() }, '/SVCAN/NFeAutorizacao4')).cStats).toEqual(['104', '713']);
  });

  it('SVC-RS accepts tpEmis 7 from a BA emitter (713 for tpEmis 6); the BA consulta sees it', async () => {
    const ba = { cUF: '29', uf: 'BA', cMun: '2927408' };
    const svc = await authorized({ ...ba, tpEmis: '7' }, '/SVCRS/NFeAutorizacao4');
    expect(svc.cStats).toEqual(['104', '100']);
    expect(svc.nProt).toMatch(/^729\d{12}$/);
    const c = await consulta(svc.chave, '/BA/NFeConsultaProtocolo4');
    expect(c.cStats[0]).toBe('100');
    expect(c.body).toContain(`<nProt>${svc.nProt}</nProt>`);
    expect((await authorized({ ...ba, tpEmis: '6' }, '/SVCRS/NFeAutorizacao4')).cStats).toEqual(['104', '713']);
  });

  it('status 107 for a UF it serves, 114 once the origin UF disables it', async () => {
    const status = () => call(sim.httpsUrl, sim.ca, '/SVCAN/NFeStatusServico4', 'NFeStatusServico4', consStatServ('35'), { cert });
    expect((await status()).cStats).toEqual(['107']);
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'SP', active: false });
    expect((await status()).cStats).toEqual(['114']);
    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/svc', { uf: 'SP', active: true });
  });
});

describe('NFC-e rules', () => {
  it('704 for a normal NFC-e received more than 5 minutes after dhEmi', async () => {
    expect((await authorized({ mod: '65', dhEmi: new Date(Date.now() - 10 * 60_000) })).cStats).toEqual(['104', '704']);
  });
});

describe('NFC-e QR code v2', () => {
  it('100 with the registered CSC, 464 with a wrong CSC, 462 with an unknown CSC id', async () => {
    expect((await authorized({ mod: '65' })).cStats).toEqual(['104', '100']);
    expect((await authorized({ mod: '65', csc: 'OUTRO-CSC-QUALQUER-0000000000000000' })).cStats).toEqual(['104', '464']);
    expect((await authorized({ mod: '65', idCsc: 7 })).cStats).toEqual(['104', '462']);
  });
});

it('GET /__admin/documents/:chave shows what the simulator knows', async () => {
  const nfe = await authorized();
  const r = await adminCall(sim.httpsUrl, sim.ca, 'GET', `/__admin/documents/${nfe.chave}`);
  expect(r.json.document).toEqual(expect.objectContaining({ chave: nfe.chave, status: 'authorized', nProt: nfe.nProt }));
});
