// Generic replies and log lines speak of the CT-e as "o CT-e" (masculine), never as a NF-e: the 214
// size-limit text and the document's log lines (numerado, assinado, enviado, respondido, não enviado).
// The NF-e texts are asserted unchanged by message-limits, failures and log/context.
import crypto from 'node:crypto';
import { log } from '../../src/log/logger';
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { captureLogs } from '../support/logs';
import { cteFor } from '../support/cte';

let h: Harness;
let logs: ReturnType<typeof captureLogs>;
const level = log.level;
beforeAll(async () => {
  h = await startHarness({ bodyLimitBytes: 32 * 1024 * 1024 });
  log.level = 'info';
  logs = captureLogs();
}, 30_000);
afterAll(async () => {
  logs?.detach();
  log.level = level;
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };
const one = async (c: TestCompany, xml: string) => (await h.call([xml], { as: c })).documentos[0]!;
const linesOf = (c: TestCompany) => logs.lines.filter((l) => l.cnpj === c.cnpj).map((l) => l.message);

/** Random text of the layout's alphabet: the CT-e travels gzipped, only incompressible content makes it big. */
function randomText(length: number): string {
  return crypto.randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length);
}

test('an authorised CT-e logs "ct-e numerado", "assinado", "enviado" and "respondido"', async () => {
  const c = await h.addCompany();
  expect(sit(await one(c, cteFor(c, 'RS', 1))).SitCodigo).toBe('100');
  expect(linesOf(c)).toEqual(expect.arrayContaining(['ct-e numerado', 'ct-e assinado', 'ct-e enviado', 'ct-e respondido']));
  expect(linesOf(c).filter((m) => m.startsWith('nf-e') || /^ct-e \S+a$/.test(m))).toEqual([]);
});

test('a CT-e whose message exceeds 512 KB → 214 "o CT-e gera uma mensagem de …", never sent', async () => {
  const c = await h.addCompany();
  // Any request reaching the simulator's recepção consumes this (harmless) fault.
  h.sim.faults.add({ authorizer: '*', service: 'CTeRecepcaoSincV4', mode: 'slow', ms: 0, times: 1 });
  const outros = Array.from({ length: 8000 }, () =>
    `<infDocItem><tipoDocumento>3</tipoDocumento><tpDoc_outros>99</tpDoc_outros><desc_outros>${randomText(100)}</desc_outros></infDocItem>`).join('');
  const xml = cteFor(c, 'RS', 1).replace(/<infDocItem>[\s\S]*<\/infDocItem>/, outros);
  const d = await one(c, xml);
  expect(sit(d)).toEqual({
    SitCodigo: '214',
    SitDescricao: expect.stringMatching(/^Rejeição: Tamanho da mensagem excedeu o limite estabelecido: o CT-e gera uma mensagem de \d+ KB e a SEFAZ aceita até 512 KB; documento não enviado/),
  });
  expect(h.sim.faults.list()).toEqual([expect.objectContaining({ mode: 'slow', times: 1 })]);
  expect(h.sim.state.getDocument(String(d.DocChaAcesso), '2')).toBeUndefined();
  expect(linesOf(c)).toContain('ct-e não enviado: mensagem acima do limite da SEFAZ');
}, 120_000);
