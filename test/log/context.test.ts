// Support staff answer "what happened to note 1234?" from the logs: every line about a document
// carries its call's request id, the company and the document's number and chave, also when calls
// run at the same time and when SEFAZ fails.
import { log } from '../../src/log/logger';
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe, inUf } from '../support/samples';
import { captureLogs } from '../support/logs';

let h: Harness;
let logs: ReturnType<typeof captureLogs>;
const level = log.level;
beforeAll(async () => {
  h = await startHarness();
  log.level = 'info';
  logs = captureLogs();
}, 30_000);
afterAll(async () => {
  logs?.detach();
  log.level = level;
  await h?.close();
});

const DOCUMENT_LINES = ['nf-e numerada', 'nf-e assinada', 'nf-e enviada', 'nf-e respondida'];

test('concurrent calls: each document line carries its own call, company, number and chave', async () => {
  const numbers = [601, 602, 603, 604];
  const replies = await Promise.all(numbers.map((n) => h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: n, serie: 5 })])));
  const chaves = replies.map((r) => String(r.documentos[0]!.DocChaAcesso));
  expect(new Set(chaves).size).toBe(numbers.length);

  for (const [i, n] of numbers.entries()) {
    const lines = logs.lines.filter((l) => l.numero === String(n) && DOCUMENT_LINES.includes(l.message));
    expect(lines.map((l) => l.message).sort()).toEqual([...DOCUMENT_LINES].sort());
    const requestIds = new Set(lines.map((l) => l.requestId));
    expect(requestIds.size).toBe(1);
    for (const l of lines) expect(l).toMatchObject({ cnpj: h.main.cnpj, chave: chaves[i], serie: '5', modelo: 'NFe' });
    // The call's summary line has the same request id.
    const [requestId] = [...requestIds];
    expect(logs.lines.filter((l) => l.message === 'soap call' && l.requestId === requestId)).toHaveLength(1);
  }
});

test('a SEFAZ failure line names the document it was sending', async () => {
  const company = await h.addCompany({ uf: 'SP' });
  h.sim.faults.add({ authorizer: 'SP', service: 'NFeAutorizacao4', mode: 'lose-response', times: 1 });
  h.sim.faults.add({ authorizer: 'SP', service: 'NFeStatusServico4', mode: 'down', times: 1 });
  const xml = inUf(simpleNfe({ cnpj: company.cnpj, nNF: 1, serie: 1 }), 'SP');
  const reply = await h.call([xml], { as: company });
  expect(reply.messages[0]!.codigo).toBe(108);
  const failure = logs.lines.find((l) => l.message === 'Falha na comunicação com a SEFAZ' && l.cnpj === company.cnpj);
  expect(failure).toMatchObject({ level: 'warn', numero: '1', requestId: expect.any(String), chave: expect.stringMatching(/^35\d{42}$/) });
  const entry = logs.lines.find((l) => l.message === 'contingência: entrada' && l.cnpj === company.cnpj);
  expect(entry).toMatchObject({ requestId: failure!.requestId, chave: failure!.chave });
});
