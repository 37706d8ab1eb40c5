// jest globalSetup: compiles the project once so tests can run the real `fiscal-gateway` command
// as a child process (serve, crash tests). Incremental: a no-op when nothing changed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function build(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { cwd: root, stdio: 'inherit' });
}
