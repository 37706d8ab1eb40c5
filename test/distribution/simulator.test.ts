// The capture end to end: the gateway's SEFAZ client (SefazClient.distribuicao, mutual TLS with the
// company certificate) against the simulator's Ambiente Nacional, through the same adapter app.ts uses.
import { runCapture } from '../../src/distribution/capture';
import { sefazDistributionSource } from '../../src/distribution/sefaz-source';
import { CompanyContext } from '../../src/emission/context';
import { LogScope } from '../../src/log/logger';
import { VER_PROC } from '../../src/project';
import { startHarness, type Harness } from '../support/harness';

describe('DF-e capture against the simulator\'s Ambiente Nacional', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('sweeps a seeded NSU list through the real client, stores every document with its key, then holds', async () => {
    const { company, cnpj } = await h.addCompany({ uf: 'SP' });
    await h.store.setDfeEnabled(company.id, '55', true);
    expect(h.sim.dfe.seed({ doc: cnpj, count: 75 })).toEqual({ first: 1, last: 75 });
    const deps = { store: h.store, sefaz: h.sefaz, verProc: VER_PROC };
    const source = sefazDistributionSource((t, c, req) => h.sefaz.distribuicao(t, c, req), async (c) => (await new CompanyContext(deps, c).certificate()).credentials);
    const capture = () => runCapture({ store: h.store, source, owner: 'gateway-e2e', options: { pauseMs: 0 } }, { log: new LogScope() });

    expect(await capture()).toMatchObject({ cnpjs: 1, calls: 2, docsStored: 75, missingAdded: 0, holds: 1, consumoIndevido: 0 });
    const docs = await h.store.queryDfeDocuments(company.id, { limit: 1000 });
    expect(docs).toHaveLength(75);
    expect(docs[0].nsu).toBe('000000000000001');
    expect(docs.every((d) => /^\d{44}$/.test(d.chave ?? ''))).toBe(true);
    expect(await h.store.getDfeState(company.id, '55')).toMatchObject({ ultNSU: '000000000000075', maxNSU: '000000000000075' });
    // Held for the hour: the simulator is not asked again (its 656 for a call inside the wait never comes).
    expect(await capture()).toMatchObject({ calls: 0, consumoIndevido: 0 });
  });
});
