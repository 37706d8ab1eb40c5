// What the simulator remembers over time: numbers inside an async lote still processing (635), poll
// counts per recibo (656, on the injected clock), and documents/CA/counters across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { IssuedCertificate, TestCa } from '../../src/signing/testca';
import { buildNfe, call, companyCert, consReciNFe, consSitNFe, enviNFe, sign, tagValue } from './helpers';

const PROCESSING_MS = 60_000;
const HOUR = 3_600_000;

describe('async lotes on the injected clock', () => {
  let sim: RunningSimulator;
  let cert: IssuedCertificate;
  let nextNumber = 100;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    sim = await startSimulator({ processingDelayMs: PROCESSING_MS, now: () => new Date(Date.now() + clockOffsetMs) });
    cert = companyCert(sim.ca);
  });
  afterAll(async () => sim.close());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const signed = (n: number, cNF?: string) => sign(buildNfe({ nNF: n, cNF }).xml, 'infNFe', cert);
  const authorize = (nfes: string[], indSinc: '0' | '1') =>
    call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe(nfes, indSinc), { cert });
  const poll = (nRec: string) => call(sim.httpsUrl, sim.ca, '/SP/NFeRetAutorizacao4', 'NFeRetAutorizacao4', consReciNFe(nRec), { cert });
  const sendLote = async () => {
    const [a, b] = [nextNumber++, nextNumber++];
    const r = await authorize([await signed(a), await signed(b)], '0');
    expect(r.cStats).toEqual(['103']);
    return { nRec: tagValue(r.body, 'nRec')!, a, b };
  };

  it('635 for a number inside a lote still processing (same or other key); 204/539 once processed', async () => {
    const lote = await sendLote();
    const sameKey = await signed(lote.a);
    const otherKey = await signed(lote.b, '56473829');
    expect((await authorize([sameKey], '1')).cStats).toEqual(['104', '635']);
    expect((await authorize([otherKey], '1')).cStats).toEqual(['104', '635']);
    expect((await poll(lote.nRec)).cStats).toEqual(['105']);

    clockOffsetMs = PROCESSING_MS + 1_000;
    expect((await poll(lote.nRec)).cStats).toEqual(['104', '100', '100']);
    expect((await authorize([sameKey], '1')).cStats).toEqual(['104', '204']);
    expect((await authorize([otherKey], '1')).cStats).toEqual(['104', '539']);
  });

  it('656 on the 41st poll of one recibo within an hour; answers again an hour later', async () => {
    const { nRec } = await sendLote();
    clockOffsetMs = PROCESSING_MS + 1_000;
    for (let i = 1; i <= 40; i++) expect([i, (await poll(nRec)).cStats[0]]).toEqual([i, '104']);
    const refused = await poll(nRec);
    expect(refused.cStats).toEqual(['656']);
    expect(refused.body).not.toContain('<protNFe');
    clockOffsetMs += HOUR + 1_000;
    expect((await poll(nRec)).cStats).toEqual(['104', '100', '100']);
  });
});

describe('restart with an on-disk dataDir', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-data-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const authorize = (sim: RunningSimulator, ca: TestCa, cert: IssuedCertificate, xml: string) =>
    call(sim.httpsUrl, ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([xml], '1'), { cert });

  it('keeps the CA, the documents and the protocol counter', async () => {
    const first = await startSimulator({ dataDir: dir });
    const cert = companyCert(first.ca);
    const built = buildNfe({ nNF: 1 });
    const nfe = await sign(built.xml, 'infNFe', cert);
    let nProt: string;
    try {
      const r = await authorize(first, first.ca, cert, nfe);
      expect(r.cStats).toEqual(['104', '100']);
      nProt = tagValue(r.body, 'nProt')!;
    } finally {
      await first.close();
    }

    const second = await startSimulator({ dataDir: dir });
    try {
      expect(second.ca.certPem).toBe(first.ca.certPem);
      // The client certificate issued before the restart is still trusted (same CA).
      const c = await call(second.httpsUrl, second.ca, '/SP/NFeConsultaProtocolo4', 'NFeConsultaProtocolo4', consSitNFe(built.chave), { cert });
      expect(c.cStats).toEqual(['100', '100']);
      expect(c.body).toContain(`<nProt>${nProt}</nProt>`);
      const again = await authorize(second, second.ca, cert, nfe);
      expect(again.cStats).toEqual(['104', '204']);
      expect(again.body).toContain(`[nProt:${nProt}]`);
      const next = await authorize(second, second.ca, cert, await sign(buildNfe({ nNF: 2 }).xml, 'infNFe', cert));
      expect(next.cStats).toEqual(['104', '100']);
      expect(BigInt(tagValue(next.body, 'nProt')!)).toBeGreaterThan(BigInt(nProt));
    } finally {
      await second.close();
    }
  });
});
