// Every fault mode as a client observes it, the admin API, scenarios, and FaultController rules.
import { FaultController, parseFaultSpec } from '../../src/simulator/faults';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { IssuedCertificate } from '../../src/signing/testca';
import { adminCall, buildNfe, call, companyCert, consSitNFe, consStatServ, enviNFe, sign, consReciNFe, tagValue } from './helpers';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let nextNumber = 5000;
/** The simulator's clock runs this far ahead of the real one (deterministic async processing). */
let clockOffsetMs = 0;

beforeAll(async () => {
  sim = await startSimulator({ processingDelayMs: 60_000, now: () => new Date(Date.now() + clockOffsetMs) });
  cert = companyCert(sim.ca);
});
afterAll(async () => sim.close());
afterEach(async () => {
  expect((await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/reset')).status).toBe(200);
});

const status = (o: { timeoutMs?: number } = {}) =>
  call(sim.httpsUrl, sim.ca, '/SP/NFeStatusServico4', 'NFeStatusServico4', consStatServ('35'), { cert, ...o });
const addFault = (fault: object) => adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/faults', fault);
const signedNfe = async () => {
  const nfe = buildNfe({ nNF: nextNumber++ });
  return { ...nfe, signed: await sign(nfe.xml, 'infNFe', cert) };
};
const authorize = (nfes: string[], indSinc: '0' | '1' = '1') =>
  call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe(nfes, indSinc), { cert });

describe('FaultController', () => {
  it('matches by authorizer/service with wildcards and consumes times', () => {
    const f = new FaultController();
    f.add({ authorizer: 'SP', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999', times: 2 });
    f.add({ authorizer: '*', service: '*', mode: 'slow', ms: 10 });
    expect(f.take('RS', 'NFeAutorizacao4', ['reject'])).toBeUndefined();
    expect(f.take('sp', 'nfeautorizacao4', ['reject'])?.cStat).toBe('999');
    expect(f.take('SP', 'NFeAutorizacao4', ['reject'])?.times).toBe(0);
    expect(f.take('SP', 'NFeAutorizacao4', ['reject'])).toBeUndefined();
    expect(f.take('AN', 'NFeRecepcaoEvento4', ['slow'])?.ms).toBe(10);
    f.close();
    expect(f.list()).toEqual([]);
  });

  it.each([
    [{ mode: 'explode' }, /modo de falha inválido/],
    [{ mode: 'slow' }, /slow exige ms/],
    [{ mode: 'reject', times: 0 }, /times/],
    [{ mode: 'reject', cStat: 'abc' }, /cStat/],
  ])('refuses an invalid fault %j', (input, message) => {
    expect(() => parseFaultSpec(input)).toThrow(message);
  });
});

describe('fault modes over HTTPS', () => {
  it('down: the connection is reset without an answer', async () => {
    await addFault({ authorizer: 'SP', service: 'NFeStatusServico4', mode: 'down', times: 1 });
    await expect(status()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await status()).cStats).toEqual(['107']);
  });

  it('timeout: accepted but never answered (client timeout fires)', async () => {
    await addFault({ authorizer: '*', service: '*', mode: 'timeout' });
    await expect(status({ timeoutMs: 300 })).rejects.toThrow('client timeout');
  });

  it('slow: a client with a shorter timeout gives up, a patient one gets the answer', async () => {
    await addFault({ authorizer: 'SP', service: '*', mode: 'slow', ms: 400 });
    await expect(status({ timeoutMs: 100 })).rejects.toThrow('client timeout');
    expect((await status()).cStats).toEqual(['107']);
  });

  it('http-500 answers a SOAP fault; garbage answers 200 without XML', async () => {
    await addFault({ authorizer: 'SP', service: '*', mode: 'http-500', times: 1 });
    const e500 = await status();
    expect(e500.status).toBe(500);
    expect(e500.body).toContain('<soap:Fault>');
    await addFault({ authorizer: 'SP', service: '*', mode: 'garbage', times: 1 });
    const garbage = await status();
    expect(garbage.status).toBe(200);
    expect(garbage.body).not.toContain('<');
  });

  it('paralisado: status and autorização answer 108/109 without processing', async () => {
    await addFault({ authorizer: 'SP', service: '*', mode: 'paralisado', cStat: '109' });
    expect((await status()).cStats).toEqual(['109']);
    const nfe = await signedNfe();
    const r = await authorize([nfe.signed]);
    expect(r.cStats).toEqual(['109']);
    expect(tagValue(r.body, 'xMotivo')).toBe('Serviço Paralisado sem Previsão');
    await adminCall(sim.httpsUrl, sim.ca, 'DELETE', '/__admin/faults');
    const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
    expect(c.cStats).toEqual(['217']);
  });

  it('reject 999 times 1: the next autorização answers 999 per NF-e, then normal', async () => {
    await addFault({ authorizer: 'SP', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999', times: 1 });
    const nfe = await signedNfe();
    expect((await authorize([nfe.signed])).cStats).toEqual(['104', '999']);
    expect((await authorize([nfe.signed])).cStats).toEqual(['104', '100']);
  });

  it('lose-response: processed and stored, client gets a reset, consulta answers 100, resend 204', async () => {
    await addFault({ authorizer: 'SP', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
    const nfe = await signedNfe();
    await expect(authorize([nfe.signed])).rejects.toThrow(/socket hang up|ECONNRESET/);
    const c = await call(sim.httpsUrl, sim.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(nfe.chave), { cert });
    expect(c.cStats).toEqual(['100', '100']);
    expect((await authorize([nfe.signed])).cStats).toEqual(['104', '204']);
  });

  it('lists and clears faults through the admin API', async () => {
    await addFault({ authorizer: 'RS', service: 'NFeStatusServico4', mode: 'paralisado' });
    const listed = await adminCall(sim.httpsUrl, sim.ca, 'GET', '/__admin/faults');
    expect(listed.json).toEqual([expect.objectContaining({ authorizer: 'RS', mode: 'paralisado' })]);
    expect((await addFault({ mode: 'nope' })).status).toBe(400);
  });

  it('runs a scenario timeline (paralisado now, reset later)', async () => {
    const r = await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/scenario', [
      { atMs: 0, fault: { authorizer: 'SP', service: 'NFeStatusServico4', mode: 'paralisado' } },
      { atMs: 300, reset: true },
    ]);
    expect(r.status).toBe(200);
    expect((await status()).cStats).toEqual(['108']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await status()).cStats).toEqual(['107']);
  });
});

it('holds an async lote as 105 during processingDelayMs, then 104', async () => {
  const r = await authorize([(await signedNfe()).signed, (await signedNfe()).signed], '0');
  expect(r.cStats).toEqual(['103']);
  const nRec = tagValue(r.body, 'nRec')!;
  const poll = () => call(sim.httpsUrl, sim.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe(nRec), { cert });
  expect(tagValue(r.body, 'tMed')).toBe('60');
  expect((await poll()).cStats).toEqual(['105']);
  clockOffsetMs = 61_000;
  try {
    expect((await poll()).cStats).toEqual(['104', '100', '100']);
  } finally {
    clockOffsetMs = 0;
  }
});
