import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption (AES-256-GCM) for secrets and personal data at rest. Each purpose
 * gets its own key derived from the master key (HKDF-SHA256), and the associated data binds a
 * ciphertext to its row, so a value copied into another row or column fails to open.
 */
export class SecretBox {
  readonly #master: Buffer;
  readonly #keys = new Map<string, Buffer>();

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#master = masterKey;
  }

  static generateMasterKey(): string {
    return randomBytes(32).toString('base64');
  }

  #key(purpose: string): Buffer {
    let key = this.#keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#master, Buffer.alloc(0), `gateway:${purpose}`, 32));
      this.#keys.set(purpose, key);
    }
    return key;
  }

  seal(purpose: string, plaintext: string | Uint8Array, associatedData = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key(purpose), iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(purpose: string, sealed: string, associatedData = ''): Buffer {
    const [version, iv, body] = sealed.split('.');
    if (version !== VERSION || !iv || !body) throw new Error('not a sealed value');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]);
  }

  openString(purpose: string, sealed: string, associatedData = ''): string {
    return this.open(purpose, sealed, associatedData).toString('utf8');
  }
}
