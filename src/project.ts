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
