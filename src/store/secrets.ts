// Encryption at rest for access keys, CSCs, certificate passwords, PFX files and private keys.
// AES-256-GCM with keys derived by HKDF-SHA256 from MASTER_KEY; separate derived keys for sealing
// and for lookup hashes so one never doubles as the other.
import crypto from 'node:crypto';

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const MIN_MASTER_KEY_CHARS = 16;

function derive(masterKey: string, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), 'fiscal-gateway', purpose, 32));
}

/** Entries kept by each memo below before it starts over: far more than the companies of one gateway. */
const MEMO_ENTRIES = 1024;

/** A bounded memo of a pure function of a string (each call otherwise costs a cipher or HMAC setup). */
function memoised<T>(fn: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = fn(key);
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}

export class SecretBox {
  readonly #sealKey: Buffer;
  readonly #lookupKey: Buffer;
  // Every call to the gateway looks its partner up and opens its company's access key.
  readonly #openText = memoised((sealed) => this.open(sealed).toString('utf8'));
  readonly #lookupHash = memoised((value) => crypto.createHmac('sha256', this.#lookupKey).update(value, 'utf8').digest('hex'));

  constructor(masterKey: string) {
    if (typeof masterKey !== 'string' || masterKey.length < MIN_MASTER_KEY_CHARS) {
      throw new SecretError(`MASTER_KEY ausente ou curta demais: informe ao menos ${MIN_MASTER_KEY_CHARS} caracteres (sugestão: 32 bytes aleatórios em base64).`);
    }
    this.#sealKey = derive(masterKey, 'seal-v1');
    this.#lookupKey = derive(masterKey, 'lookup-v1');
  }

  /** Returns `v1:<iv>:<tag>:<ciphertext>`, each part base64. */
  seal(plaintext: string | Buffer): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#sealKey, iv);
    const data = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  open(sealed: string): Buffer {
    const parts = typeof sealed === 'string' ? sealed.split(':') : [];
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretError('Segredo cifrado em formato desconhecido (esperado v1:iv:tag:dados).');
    }
    const [, iv, tag, data] = parts as [string, string, string, string];
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.#sealKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
    } catch {
      throw new SecretError('Não foi possível decifrar um segredo armazenado: a MASTER_KEY não é a mesma usada para cifrá-lo, ou o dado está corrompido.');
    }
  }

  openText(sealed: string): string {
    return this.#openText(sealed);
  }

  /** HMAC-SHA256 hex: finds a record by a key without storing the key. */
  lookupHash(value: string): string {
    return this.#lookupHash(value);
  }
}

/**
 * Random key. `base64`: URL-safe alphabet, padded (16 bytes → 24 chars ending `==`, the shape of an
 * InvoiCy partner key); `hex`: lower-case hex (16 bytes → 32 chars, the shape of a company access key).
 */
export function generateKey(bytes: number, format: 'base64' | 'hex' = 'base64'): string {
  const raw = crypto.randomBytes(bytes);
  if (format === 'hex') return raw.toString('hex');
  const b64 = raw.toString('base64url');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

export function generatePartnerKey(): string {
  // Never a leading '-': the key is passed on command lines (`company add --partner KEY`), where it
  // would read as an option.
  for (;;) {
    const key = generateKey(16, 'base64');
    if (!key.startsWith('-')) return key;
  }
}

export function generateAccessKey(): string {
  return generateKey(16, 'hex');
}
