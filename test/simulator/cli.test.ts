// The `simulator fault …` admin commands against a running simulator (plain-HTTP admin listener).
import { simulatorCommand } from '../../src/simulator/cli';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';

let sim: RunningSimulator;
let output: string[];

beforeAll(async () => {
  sim = await startSimulator({ httpPort: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => {
  output = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

it('adds, lists and resets faults', async () => {
  const url = sim.httpUrl!;
  expect(await simulatorCommand(['fault', 'reject', '--authorizer', 'sp', '--service', 'NFeAutorizacao4', '--cstat', '999', '--times', '1', '--url', url])).toBe(0);
  expect(sim.faults.list()).toEqual([expect.objectContaining({ authorizer: 'SP', mode: 'reject', cStat: '999', times: 1 })]);
  expect(await simulatorCommand(['fault', 'list', '--url', url])).toBe(0);
  expect(output.join('')).toContain('"mode":"reject"');
  expect(await simulatorCommand(['fault', 'reset', '--url', url])).toBe(0);
  expect(sim.faults.list()).toEqual([]);
});

it('refuses an unknown mode with usage (exit 2) and a bad fault with exit 1', async () => {
  expect(await simulatorCommand(['fault', 'explode', '--url', sim.httpUrl!])).toBe(2);
  expect(await simulatorCommand(['fault', 'slow', '--url', sim.httpUrl!])).toBe(1);
  expect(output.join('')).toContain('slow exige ms');
});

it('runs the demo scenario file in fixtures/ (lose-response now, paralisado 109 later, then reset)', async () => {
  const file = require('node:path').resolve(__dirname, '../../fixtures/scenario-outage.json');
  expect(await simulatorCommand(['scenario', file, '--url', sim.httpUrl!])).toBe(0);
  expect(output.join('')).toContain('"steps":3');
  expect(sim.faults.list()).toEqual([expect.objectContaining({ authorizer: 'SP', mode: 'lose-response', times: 1 })]);
  sim.faults.reset();
});
