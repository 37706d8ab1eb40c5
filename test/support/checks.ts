// Independent checks of what the gateway returns: signature (our verifier and xmlsec1) and schema.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyXmlSignature } from '../../src/signing/xmldsig';
import { loadXsdValidator } from '../../src/xml/xsd';
import { SCHEMAS_DIR } from './harness';

export function decodeB64(text: unknown): string {
  return Buffer.from(String(text ?? ''), 'base64').toString('utf8');
}

/** xmlsec1 --verify of the infNFe signature of an nfeProc (or `idAttr` in the namespace of `kind`), trusting only the given CA. */
export function xmlsecVerify(xml: string, caPem: string, idAttr = 'infNFe', kind: 'nfe' | 'cte' = 'nfe'): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emission-xmlsec-'));
  try {
    fs.writeFileSync(path.join(dir, 'doc.xml'), xml);
    fs.writeFileSync(path.join(dir, 'ca.pem'), caPem);
    const output = execFileSync(
      'xmlsec1',
      ['--verify', '--id-attr:Id', `http://www.portalfiscal.inf.br/${kind}:${idAttr}`, '--trusted-pem', path.join(dir, 'ca.pem'), path.join(dir, 'doc.xml')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { ok: true, output };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, output: e.stderr ?? e.message };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function ourVerify(xml: string, caPem: string, tag = 'infNFe') {
  return verifyXmlSignature(xml, { tag, trustedCaPems: [caPem] });
}

export async function validateProcNFe(xml: string) {
  const v = await loadXsdValidator(path.join(SCHEMAS_DIR, 'nfe', 'procNFe_v4.00.xsd'));
  return v.validate(xml);
}

/** Runs fn over items with at most `limit` in flight, preserving order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
