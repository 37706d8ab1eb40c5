// Throw-away PKI for the HTTPS tests, generated with openssl in a temp dir (never committed):
// a trusted CA with a server (SAN 127.0.0.1) and a client certificate, and a rogue CA with both too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface Pem { key: string; cert: string }
export interface TestPki { ca: string; server: Pem; client: Pem; rogueCa: string; rogueServer: Pem; rogueClient: Pem }

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'sefaz-tls-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    const makeCa = (name: string) =>
      ssl('req', '-x509', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`), '-days', '2', '-subj', `/CN=${name}`,
        '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const makeLeaf = (name: string, ca: string, ext: string) => {
      ssl('req', '-new', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
      writeFileSync(f(`${name}.ext`), ext);
      ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${ca}.crt`), '-CAkey', f(`${ca}.key`), '-CAcreateserial',
        '-out', f(`${name}.crt`), '-days', '2', '-extfile', f(`${name}.ext`));
      return { key: readFileSync(f(`${name}.key`), 'utf8'), cert: readFileSync(f(`${name}.crt`), 'utf8') };
    };
    const serverExt = 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n';
    const clientExt = 'extendedKeyUsage=clientAuth\n';
    makeCa('ca');
    makeCa('rogue');
    return {
      ca: readFileSync(f('ca.crt'), 'utf8'),
      server: makeLeaf('server', 'ca', serverExt),
      client: makeLeaf('client', 'ca', clientExt),
      rogueCa: readFileSync(f('rogue.crt'), 'utf8'),
      rogueServer: makeLeaf('rogue-server', 'rogue', serverExt),
      rogueClient: makeLeaf('rogue-client', 'rogue', clientExt),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
