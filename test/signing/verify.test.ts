// The verifier computes digest and SignatureValue itself (no xml-crypto checkSignature) and caches
// certificate work: these tests hold it to other signers' SignedInfo bytes and to `now` on every call.
import { readFileSync } from 'node:fs';
import { C14N, ENVELOPED_SIGNATURE, RSA_SHA1, SHA1 } from '../../src/signing/dsig';
import { signerCertificate, trustedCas } from '../../src/signing/certcache';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { parseForVerification, verifyXmlSignature, type VerifyResult } from '../../src/signing/verify';
import { signXml } from '../../src/signing/xmldsig';
import { CHAVE, CNPJ, NFE_NS, nfeXml, run, tempDir, type TempDir } from './fixtures';

const DAY_MS = 24 * 3600 * 1000;
const T0 = new Date();
const at = (days: number) => new Date(T0.getTime() + days * DAY_MS);
const ca = createTestCa({ notBefore: at(-1000), notAfter: at(400) });
const company = issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ, notBefore: at(-300), notAfter: at(200) });
const longLived = issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ, notBefore: at(-300), notAfter: at(900) });
const trustedCaPems = [ca.certPem];
let tmp: TempDir;

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

const outcome = (r: VerifyResult) => (r.ok ? 'ok' : r.cStat);

describe('certificate cache and the clock', () => {
  let signed: string;
  let signedLongLived: string;
  beforeAll(async () => {
    signed = await signXml(nfeXml(), { tag: 'infNFe', ...company });
    signedLongLived = await signXml(nfeXml(), { tag: 'infNFe', ...longLived });
  });

  // Rows run in order against the same caches: an entry filled at one `now` must not decide another.
  test.each([
    ['leaf and CA valid (fills the caches)', 'ok', 'company', 0],
    ['leaf expired, CA still valid', '291', 'company', 250],
    ['back inside the validity', 'ok', 'company', 0],
    ['leaf not yet valid', '291', 'company', -350],
    ['two seconds after notAfter', '291', 'company', 200 + 2 / 86400],
    ['leaf valid, trusted CA expired', '293', 'longLived', 500],
    ['leaf valid, CA valid again', 'ok', 'longLived', 0],
  ])('%s → %s', (_label, expected, which, day) => {
    const xml = which === 'company' ? signed : signedLongLived;
    expect(outcome(verifyXmlSignature(xml, { tag: 'infNFe', trustedCaPems, now: at(day as number) }))).toBe(expected);
  });

  test('entries are kept by the exact text', () => {
    // The base64 body of the PEM, as it appears in KeyInfo.
    const base64 = company.certPem.replace(/-----[^-]+-----|\s/g, '');
    expect(signerCertificate(base64)).toBe(signerCertificate(base64));
    expect(trustedCas(ca.certPem)).toBe(trustedCas(ca.certPem));
    // A bundle gives each of its certificates.
    expect(trustedCas(ca.certPem + createTestCa({ commonName: 'Outra AC' }).certPem)).toHaveLength(2);
  });

  test('a parsed Document verifies like its text', () => {
    expect(verifyXmlSignature(parseForVerification(signed), { tag: 'infNFe', trustedCaPems, now: T0 })).toEqual(
      verifyXmlSignature(signed, { tag: 'infNFe', trustedCaPems, now: T0 }),
    );
  });
});

describe('SignedInfo as another signer wrote it', () => {
  const signatureTemplate = (signedInfoOpen: string, sep: string, referenceAttrs: string) =>
    `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">${signedInfoOpen}${sep}` +
    `<CanonicalizationMethod Algorithm="${C14N}"/>${sep}<SignatureMethod Algorithm="${RSA_SHA1}"/>${sep}` +
    `<Reference ${referenceAttrs}>${sep}<Transforms><Transform Algorithm="${ENVELOPED_SIGNATURE}"/>${sep}<Transform Algorithm="${C14N}"/></Transforms>${sep}` +
    `<DigestMethod Algorithm="${SHA1}"/>${sep}<DigestValue></DigestValue>${sep}</Reference>${sep}</SignedInfo>` +
    `<SignatureValue></SignatureValue><KeyInfo><X509Data></X509Data></KeyInfo></Signature>`;

  function xmlsecSign(template: string): string {
    const out = `${tmp.dir}/signed-${Math.random()}.xml`;
    const keys = `${tmp.write('key.pem', longLived.keyPem)},${tmp.write('cert.pem', longLived.certPem)}`;
    const result = run('xmlsec1', ['--sign', '--privkey-pem', keys, '--id-attr:Id', `${NFE_NS}:infNFe`, '--output', out, tmp.write(`t-${Math.random()}.xml`, template)]);
    expect(result.output).toBe('');
    return readFileSync(out, 'utf8');
  }

  const uri = `URI="#NFe${CHAVE}"`;
  const inNfe = (signature: string) => nfeXml().replace('</NFe>', `${signature}</NFe>`);
  // enviNFe declares a prefix the NF-e and SignedInfo inherit: inclusive C14N renders it on both.
  const inLote = (signature: string) =>
    `<enviNFe xmlns="${NFE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" versao="4.00"><idLote>1</idLote>` +
    `<indSinc>1</indSinc>${inNfe(signature)}</enviNFe>`;

  test.each([
    ['indented SignedInfo', 'ok', inNfe(signatureTemplate('<SignedInfo>', '\n    ', uri)), (x: string) => x],
    ['Reference attributes out of canonical order', 'ok', inNfe(signatureTemplate('<SignedInfo>', '', `${uri} Id="ref-1"`)), (x: string) => x],
    ['SignedInfo with its own Id attribute', 'ok', inNfe(signatureTemplate('<SignedInfo Id="si-1" >', '\n', uri)), (x: string) => x],
    ['namespace inherited from the lote root', 'ok', inLote(signatureTemplate('<SignedInfo>', '\n', uri)), (x: string) => x],
    // The signed bytes are the document's own SignedInfo: changing its whitespace breaks the signature.
    ['whitespace added to signed SignedInfo', '297', inNfe(signatureTemplate('<SignedInfo>', '\n', uri)), (x: string) => x.replace('<SignatureMethod', ' <SignatureMethod')],
    ['inherited namespace removed after signing (digest and SignedInfo)', '297', inLote(signatureTemplate('<SignedInfo>', '', uri)), (x: string) => x.replace(/ xmlns:xsi="[^"]*"/, '')],
  ])('%s → %s', (_label, expected, template, alter) => {
    const signed = alter(xmlsecSign(template));
    expect(outcome(verifyXmlSignature(signed, { tag: 'infNFe', trustedCaPems, now: T0 }))).toBe(expected);
  });
});

describe('key type', () => {
  test('an EC certificate cannot have made an RSA-SHA1 signature → 290', async () => {
    const keyFile = `${tmp.dir}/ec-key.pem`;
    const certFile = `${tmp.dir}/ec-cert.pem`;
    expect(run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]).status).toBe(0);
    const made = run('openssl', [
      'req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', '30', '-subj', `/C=BR/O=ICP-Brasil/CN=EMPRESA EC:${CNPJ}`,
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation',
    ]);
    expect(made.status).toBe(0);
    const signed = await signXml(nfeXml(), { tag: 'infNFe', keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') });
    const result = verifyXmlSignature(signed, { tag: 'infNFe' });
    expect(outcome(result)).toBe('290');
    expect(!result.ok && result.detail).toMatch(/RSA/);
  });
});
