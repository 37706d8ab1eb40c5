// What an ERP reads when SEFAZ cannot be reached names the service and the UF, never the host and
// port the gateway talks to (those stay in the log lines, for support staff).
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe, inUf } from '../support/samples';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const ufDoc = (cnpj: string, uf: 'MG' | 'GO', nNF: number) =>
  inUf(simpleNfe({ cnpj, nNF, serie: 1 }), uf);

test('connection dropped by SEFAZ, then SEFAZ unreachable: the texts name the service, not host:port', async () => {
  const { host, port } = new URL(h.sim.httpsUrl);
  const hostname = new URL(h.sim.httpsUrl).hostname;

  const mg = await h.addCompany({ uf: 'MG' });
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeAutorizacao4', mode: 'down', times: 1 });
  // The status service fails too: the evidence of an outage (contingency/policy.ts failureVerdict).
  h.sim.faults.add({ authorizer: 'MG', service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const dropped = await h.call([ufDoc(mg.cnpj, 'MG', 1)], { as: mg });
  expect(dropped.messages[0]!.codigo).toBe(108);

  const go = await h.addCompany({ uf: 'GO' });
  await h.sim.close();
  const unreachable = await h.call([ufDoc(go.cnpj, 'GO', 1)], { as: go });

  // Every Descricao/SitDescricao the ERP reads.
  const texts = [dropped.raw, unreachable.raw].flatMap((raw) => [...raw.matchAll(/Descricao>([^<]*)<\//g)].map((m) => m[1]!));
  expect(texts.length).toBeGreaterThanOrEqual(4);
  expect(dropped.raw).toMatch(/Entrada da SEFAZ em contingência: [^<]*SEFAZ \(MG NFeAutorizacao4\)/);
  expect(unreachable.raw).toMatch(/GO NFeAutorizacao4/);
  for (const text of texts) {
    expect(text).not.toContain(host);
    expect(text).not.toContain(hostname);
    expect(text).not.toMatch(new RegExp(`:${port}\\b`));
    expect(text).not.toMatch(/https?:\/\//);
  }
});
