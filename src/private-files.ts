// Files under DATA_DIR hold secrets (the master key, sealed keys and certificates) and taxpayers'
// data (fiscal documents, logs): only the gateway's own user may read them — directories 0700,
// files 0600. The CLI also sets the process umask, which covers what libraries create on their own
// (the log rotator's audit file, the simulator's state); the explicit modes here hold without it.
import fs from 'node:fs';

export const PRIVATE_UMASK = 0o077;
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates dir (and missing parents) 0700; an existing directory keeps its mode. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates file empty and 0600 when missing, or sets an existing one (left 0644 by an earlier
 * version) to 0600 — when it is ours: another user's file (a shared volume) keeps the mode its owner chose.
 */
export function makePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if (fs.statSync(file).uid === process.getuid?.()) fs.chmodSync(file, PRIVATE_FILE_MODE);
}
