import { generateAccessKey, generateKey, generatePartnerKey, SecretBox, SecretError } from '../../src/store/secrets';

const KEY = 'uma-chave-mestra-bem-longa-0123456789';

describe('SecretBox', () => {
  const box = new SecretBox(KEY);

  it.each([
    ['text', 'senha do certificado çãé'],
    ['empty text', ''],
    ['binary', Buffer.from([0, 255, 1, 254, 0x80])],
  ])('seals and opens %s', (_label, plaintext) => {
    const sealed = box.seal(plaintext);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    const opened = box.open(sealed);
    expect(opened.equals(Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'))).toBe(true);
  });

  it('uses a fresh IV: the same plaintext seals differently and never appears in the output', () => {
    const a = box.seal('segredo-visivel');
    expect(a).not.toBe(box.seal('segredo-visivel'));
    expect(a).not.toContain('segredo-visivel');
    expect(a).not.toContain(Buffer.from('segredo-visivel').toString('base64'));
    expect(box.openText(a)).toBe('segredo-visivel');
  });

  it('fails with a clear Portuguese error under another master key', () => {
    const sealed = box.seal('x');
    expect(() => new SecretBox('outra-chave-mestra-0123456789').open(sealed)).toThrow(SecretError);
    expect(() => new SecretBox('outra-chave-mestra-0123456789').open(sealed)).toThrow(/MASTER_KEY não é a mesma/);
  });

  it.each([
    ['tampered ciphertext', (s: string) => s.slice(0, -4) + (s.endsWith('AAAA') ? 'BBBB' : 'AAAA'), /MASTER_KEY não é a mesma|corrompido/],
    ['unknown version', (s: string) => 'v9' + s.slice(2), /formato desconhecido/],
    ['missing parts', () => 'v1:abc', /formato desconhecido/],
  ])('rejects %s', (_label, mutate, message) => {
    expect(() => box.open(mutate(box.seal('conteúdo secreto de teste')))).toThrow(message);
  });

  it.each([[''], ['curta']])('refuses a missing or short master key %j', (mk) => {
    expect(() => new SecretBox(mk)).toThrow(/MASTER_KEY ausente ou curta/);
  });

  it('derives a deterministic, key-dependent lookup hash', () => {
    expect(box.lookupHash('abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(box.lookupHash('abc')).toBe(new SecretBox(KEY).lookupHash('abc'));
    expect(box.lookupHash('abc')).not.toBe(box.lookupHash('abd'));
    expect(box.lookupHash('abc')).not.toBe(new SecretBox(KEY + 'x').lookupHash('abc'));
  });
});

describe('SecretBox memo', () => {
  it('answers repeated and many distinct calls as a fresh box does, and never remembers a failure', () => {
    const box = new SecretBox(KEY);
    const values = Array.from({ length: 2500 }, (_, i) => `chave-${i}`);
    const sealed = values.map((v) => box.seal(v));
    for (let round = 0; round < 2; round++) {
      values.forEach((v, i) => {
        expect(box.openText(sealed[i]!)).toBe(v);
        expect(box.lookupHash(v)).toBe(new SecretBox(KEY).lookupHash(v));
      });
    }
    const foreign = new SecretBox(`${KEY}-outra`).seal('x');
    expect(() => box.openText(foreign)).toThrow(SecretError);
    expect(() => box.openText(foreign)).toThrow(SecretError);
  });
});

describe('key generation', () => {
  it.each([
    [generatePartnerKey, /^[A-Za-z0-9_-]{22}==$/],
    [generateAccessKey, /^[0-9a-f]{32}$/],
    [() => generateKey(32, 'hex'), /^[0-9a-f]{64}$/],
    [() => generateKey(18), /^[A-Za-z0-9_-]{24}$/],
  ])('%p has the expected shape and is random', (gen, shape) => {
    const a = gen();
    expect(a).toMatch(shape);
    expect(gen()).not.toBe(a);
  });

  it('never starts a partner key with "-" (it goes on command lines)', () => {
    for (let i = 0; i < 2000; i++) expect(generatePartnerKey()[0]).not.toBe('-');
  });
});
