// Facts about the installed project itself: where it lives (so wsdl/ and layouts/ are found from
// src/ under ts-jest and from dist/src/ after tsc) and its version (health check, verProc).
import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/** The folder holding package.json, walking up from this file. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json não encontrado acima de ${__dirname}`);
    dir = parent;
  }
  return (root = dir);
}

export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** verProc of the NF-e (ide/verProc, at most 20 characters). */
export const VER_PROC = `fiscal-gateway ${VERSION}`.slice(0, 20);

/**
 * Node flags the gateway runs with: `npm start`, the Docker image's ENTRYPOINT and the bench all pass
 * them (a test keeps the three in step). A 32 MB young-generation semi-space (V8's default is 16 MB)
 * halves the scavenges, each of which copies every in-flight call's live objects: the bench measured
 * ~5 % less gateway CPU per NF-e at concurrency 16, for up to ~50 MB more RSS.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
