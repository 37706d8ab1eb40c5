// npm start, the Docker image and the bench start the gateway with the same Node flags.
import fs from 'node:fs';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS, projectRoot } from '../../src/project';

const read = (name: string) => fs.readFileSync(path.join(projectRoot(), name), 'utf8');

test('npm start and the Docker ENTRYPOINT pass GATEWAY_NODE_FLAGS to node', () => {
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
  expect(start).toBe(`node ${GATEWAY_NODE_FLAGS.join(' ')} dist/src/cli/main.js serve`);
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
  expect(JSON.parse(entrypoint ?? '[]')).toEqual(['node', ...GATEWAY_NODE_FLAGS, 'dist/src/cli/main.js']);
});
