// Version reported by /health and written into verProc/verAplic, read once from package.json.
import fs from 'node:fs';
import path from 'node:path';

/** Folder holding package.json: works from src/ (ts-jest) and from dist/src/ (compiled). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json não encontrado acima de ' + __dirname);
    dir = parent;
  }
}

export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** verProc of the NF-e (ide/verProc, max 20 chars). */
export const VER_PROC = `fiscal-gateway ${VERSION}`.slice(0, 20);
