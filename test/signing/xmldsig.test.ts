import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { C14N, ENVELOPED_SIGNATURE, RSA_SHA1, SHA1 } from '../../src/signing/dsig';
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { XmlSignatureError, digestValueOf, signXml, verifyXmlSignature, verifyXmlSignatures, type VerifyResult } from '../../src/signing/xmldsig';
import { CHAVE, CNPJ, NFE_NS, eventoXml, inutXml, nfeXml, run, tempDir, type TempDir } from './fixtures';

const YEAR_MS = 365 * 24 * 3600 * 1000;
// Backdated so that certificates from the past (expiry tests) still chain to it.
const ca = createTestCa({ notBefore: new Date(Date.now() - 5 * YEAR_MS) });
const company = issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ });
const trustedCaPems = [ca.certPem];
const signNfe = (xml = nfeXml()) => signXml(xml, { tag: 'infNFe', ...company });
let tmp: TempDir;

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

function expectRejected(result: VerifyResult, cStat: string): void {
  if (result.ok) throw new Error(`expected rejection ${cStat}, got ok`);
  expect(result.cStat).toBe(cStat);
}

function xmlsecVerify(xml: string, tag: string): { status: number; output: string } {
  const file = tmp.write(`verify-${tag}-${Math.random()}.xml`, xml);
  const caFile = tmp.write('ca.pem', ca.certPem);
  return run('xmlsec1', ['--verify', '--id-attr:Id', `${NFE_NS}:${tag}`, '--trusted-pem', caFile, file]);
}

/** Signs with xml-crypto directly, for the non-SEFAZ variants the verifier must refuse. */
function signWith(xml: string, opts: { prefix?: string; signatureAlgorithm?: string; digestAlgorithm?: string; transforms?: string[] }): string {
  const sig = new SignedXml({
    privateKey: company.keyPem,
    publicCert: company.certPem,
    signatureAlgorithm: opts.signatureAlgorithm ?? RSA_SHA1,
    canonicalizationAlgorithm: C14N,
  });
  const xpath = "//*[local-name(.)='infNFe']";
  sig.addReference({ xpath, digestAlgorithm: opts.digestAlgorithm ?? SHA1, transforms: opts.transforms ?? [ENVELOPED_SIGNATURE, C14N] });
  sig.computeSignature(xml, { prefix: opts.prefix, location: { reference: xpath, action: 'after' } });
  return sig.getSignedXml();
}

describe('signXml', () => {
  test.each([
    ['infNFe', nfeXml, `NFe${CHAVE}`, 'NFe'],
    ['infEvento', eventoXml, `ID110111${CHAVE}01`, 'evento'],
    ['infInut', inutXml, 'ID35251234567800019555001000000001000000010', 'inutNFe'],
  ])('%s: SEFAZ skeleton, appended to the parent, accepted by us and by xmlsec1', async (tag, build, id, parent) => {
    const xml = build();
    const signed = await signXml(xml, { tag, ...company });
    const closing = `</${parent}>`;
    // The signed part is untouched: the Signature is inserted just before the parent's closing tag.
    expect(signed.startsWith(xml.slice(0, -closing.length))).toBe(true);
    expect(signed.endsWith(`</Signature>${closing}`)).toBe(true);
    const signature = signed.slice(xml.length - closing.length, -closing.length);
    const skeleton = signature
      .replace(/<DigestValue>[^<]+</, '<DigestValue>D<')
      .replace(/<SignatureValue>[^<]+</, '<SignatureValue>S<')
      .replace(/<X509Certificate>[^<]+</, '<X509Certificate>C<');
    expect(skeleton).toBe(
      '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
        '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
        '<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>' +
        `<Reference URI="#${id}"><Transforms>` +
        '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
        '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
        '</Transforms><DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><DigestValue>D</DigestValue></Reference>' +
        '</SignedInfo><SignatureValue>S</SignatureValue><KeyInfo><X509Data><X509Certificate>C</X509Certificate></X509Data></KeyInfo></Signature>',
    );
    const published = /<X509Certificate>([^<]+)</.exec(signature)![1]!;
    expect(new X509Certificate(Buffer.from(published, 'base64')).fingerprint256).toBe(new X509Certificate(company.certPem).fingerprint256);

    const result = verifyXmlSignature(signed, { tag, trustedCaPems });
    expect(result).toMatchObject({ ok: true, cnpj: CNPJ, digestValue: digestValueOf(signed) });
    const xmlsec = xmlsecVerify(signed, tag);
    expect(xmlsec.output).toMatch(/^OK$/m);
    expect(xmlsec.status).toBe(0);
  });

  test('escaped characters and NFC-e infNFeSupl survive byte for byte', async () => {
    const xml = nfeXml('<infAdic><infCpl>A &lt;B&gt; &amp; C\'s "D"</infCpl></infAdic>').replace(
      '</infNFe>',
      '</infNFe><infNFeSupl><qrCode><![CDATA[https://exemplo/qr?p=1|2]]></qrCode></infNFeSupl>',
    );
    const signed = await signNfe(xml);
    expect(signed.startsWith(xml.slice(0, -'</NFe>'.length))).toBe(true);
    expect(signed).toMatch(/<\/infNFeSupl><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">.*<\/Signature><\/NFe>$/);
    expect(verifyXmlSignature(signed, { tag: 'infNFe', trustedCaPems }).ok).toBe(true);
    expect(xmlsecVerify(signed, 'infNFe').status).toBe(0);
  });

  test('publishes only the leaf when given a PEM bundle', async () => {
    const signed = await signXml(nfeXml(), { tag: 'infNFe', keyPem: company.keyPem, certPem: company.certPem + ca.certPem });
    expect(signed.match(/<X509Certificate>/g)).toHaveLength(1);
  });

  test.each([
    ['already signed', async () => signNfe(await signNfe())],
    ['no Id', () => signNfe(nfeXml().replace(/ Id="[^"]+"/, ''))],
    ['two infNFe', () => signNfe(`<lote>${nfeXml()}${nfeXml()}</lote>`)],
    ['missing element', () => signXml(eventoXml(), { tag: 'infNFe', ...company })],
  ])('refuses to sign: %s', async (_label, fn) => {
    await expect(fn()).rejects.toThrow(XmlSignatureError);
  });

  test('a key that does not match the certificate is refused', async () => {
    const other = issueCompanyCertificate(ca, { name: 'OUTRA', cnpj: CNPJ });
    await expect(signXml(nfeXml(), { tag: 'infNFe', keyPem: other.keyPem, certPem: company.certPem })).rejects.toThrow(/não corresponde/);
  });
});

describe('verifyXmlSignature with an independent signer', () => {
  test('accepts a signature produced by xmlsec1 from a template', () => {
    const template = nfeXml().replace(
      '</NFe>',
      '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
        `<CanonicalizationMethod Algorithm="${C14N}"/><SignatureMethod Algorithm="${RSA_SHA1}"/>` +
        `<Reference URI="#NFe${CHAVE}"><Transforms><Transform Algorithm="${ENVELOPED_SIGNATURE}"/><Transform Algorithm="${C14N}"/></Transforms>` +
        `<DigestMethod Algorithm="${SHA1}"/><DigestValue></DigestValue></Reference></SignedInfo>` +
        '<SignatureValue></SignatureValue><KeyInfo><X509Data></X509Data></KeyInfo></Signature></NFe>',
    );
    const out = `${tmp.dir}/xmlsec-signed.xml`;
    const keys = `${tmp.write('key.pem', company.keyPem)},${tmp.write('cert.pem', company.certPem)}`;
    const result = run('xmlsec1', ['--sign', '--privkey-pem', keys, '--id-attr:Id', `${NFE_NS}:infNFe`, '--output', out, tmp.write('template.xml', template)]);
    expect(result.status).toBe(0);
    const signed = readFileSync(out, 'utf8');
    expect(signed).toMatch(/<X509Certificate>[A-Za-z0-9+/=\s]{100,}<\/X509Certificate>/);
    expect(verifyXmlSignature(signed, { tag: 'infNFe', trustedCaPems })).toMatchObject({ ok: true, cnpj: CNPJ });
  });

  test('verifies every evento of a batch (each signed on its own)', async () => {
    const first = await signXml(eventoXml(), { tag: 'infEvento', ...company });
    const second = await signXml(eventoXml().replace(/01">/, '02">').replace('<nSeqEvento>1<', '<nSeqEvento>2<'), { tag: 'infEvento', ...company });
    const batch = `<envEvento xmlns="${NFE_NS}" versao="1.00"><idLote>1</idLote>${first}${second}</envEvento>`;
    const results = verifyXmlSignatures(batch, { tag: 'infEvento', trustedCaPems });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[0]!.ok && results[1]!.ok && results[0]!.digestValue !== results[1]!.digestValue).toBe(true);
    expectRejected(verifyXmlSignature(batch, { tag: 'infEvento', trustedCaPems }), '298');
  });
});

describe('verifyXmlSignature rejections', () => {
  let signed: string;
  beforeAll(async () => {
    signed = await signNfe();
  });
  test.each([
    ['one byte altered in infNFe', '297', () => signed.replace('EMPRESA TESTE', 'EMPRESA TESTF')],
    [
      'SignatureValue altered', '297',
      () => signed.replace(/<SignatureValue>(.{10})(.)/, (_m, head: string, c: string) => `<SignatureValue>${head}${c === 'A' ? 'B' : 'A'}`),
    ],
    ['DigestValue altered', '297', () => signed.replace(/<DigestValue>(.)/, (_m, c: string) => `<DigestValue>${c === 'A' ? 'B' : 'A'}`)],
    ['ds: prefix', '404', () => signWith(nfeXml(), { prefix: 'ds' })],
    [
      'RSA-SHA256 / SHA-256', '298',
      () => signWith(nfeXml(), { signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' }),
    ],
    ['missing C14N transform', '298', () => signWith(nfeXml(), { transforms: [ENVELOPED_SIGNATURE] })],
    ['exclusive C14N transform', '298', () => signWith(nfeXml(), { transforms: [ENVELOPED_SIGNATURE, 'http://www.w3.org/2001/10/xml-exc-c14n#'] })],
    ['no Signature', '298', () => nfeXml()],
    ['two X509Certificate', '298', () => signed.replace(/(<X509Certificate>[^<]+<\/X509Certificate>)/, '$1$1')],
    ['Reference URI not the infNFe Id', '298', () => signed.replace(/URI="#NFe/, 'URI="#NFX')],
    // Wrapping: the genuine signed infNFe is moved aside (same Id) and a forged one takes its place.
    [
      'wrapping: second element with the same Id', '298',
      () => signed.replace('<infNFe ', `<infNFe versao="4.00" Id="NFe${CHAVE}"><emit><CNPJ>${CNPJ}</CNPJ></emit></infNFe><infNFeOriginal `).replace('</infNFe><Signature', '</infNFeOriginal><Signature'),
    ],
    [
      'wrapping: forged infNFe with its own Id, signature of another element', '298',
      () => signed.replace('<infNFe ', '<infNFe versao="4.00" Id="NFe0"><emit/></infNFe><infNFeOriginal ').replace('</infNFe><Signature', '</infNFeOriginal><Signature'),
    ],
  ])('%s → %s', (_label, cStat, build) => {
    const result = verifyXmlSignature(build(), { tag: 'infNFe', trustedCaPems });
    expectRejected(result, cStat);
    if (!result.ok) expect(result.xMotivo).toMatch(/^Rejeição: /);
  });

  test('certificate from another CA → 293 (chain)', async () => {
    const otherCa = createTestCa({ commonName: 'AC Estranha' });
    const stranger = issueCompanyCertificate(otherCa, { name: 'EMPRESA TESTE LTDA', cnpj: CNPJ });
    const xml = await signXml(nfeXml(), { tag: 'infNFe', ...stranger });
    expectRejected(verifyXmlSignature(xml, { tag: 'infNFe', trustedCaPems }), '293');
    // Without a trust list only the signature itself is checked.
    expect(verifyXmlSignature(xml, { tag: 'infNFe' }).ok).toBe(true);
  });

  test('expired certificate → 291', async () => {
    const notAfter = new Date(Date.now() - YEAR_MS);
    const expired = issueCompanyCertificate(ca, { name: 'EMPRESA', cnpj: CNPJ, notBefore: new Date(notAfter.getTime() - YEAR_MS), notAfter });
    const xml = await signXml(nfeXml(), { tag: 'infNFe', ...expired });
    expectRejected(verifyXmlSignature(xml, { tag: 'infNFe', trustedCaPems }), '291');
    expect(verifyXmlSignature(xml, { tag: 'infNFe', trustedCaPems, now: new Date(notAfter.getTime() - 1000) }).ok).toBe(true);
  });

  test('certificate without CNPJ/CPF → 292', async () => {
    const anonymous = issueCompanyCertificate(ca, { name: 'SEM DOCUMENTO' });
    expectRejected(verifyXmlSignature(await signXml(nfeXml(), { tag: 'infNFe', ...anonymous }), { tag: 'infNFe', trustedCaPems }), '292');
  });

  test('CA certificate used to sign → 290', async () => {
    expectRejected(verifyXmlSignature(await signXml(nfeXml(), { tag: 'infNFe', ...ca }), { tag: 'infNFe', trustedCaPems }), '290');
  });

  test('DOCTYPE is refused before any signature work', () => {
    expect(() => verifyXmlSignature(`<!DOCTYPE NFe [<!ENTITY x "y">]>${signed}`, { tag: 'infNFe' })).toThrow(/DOCTYPE/);
  });

  test('digestValueOf returns the base64 SHA-1 of the signed element', () => {
    expect(digestValueOf(signed)).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(digestValueOf(nfeXml())).toBeUndefined();
  });
});
