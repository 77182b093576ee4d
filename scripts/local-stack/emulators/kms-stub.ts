import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeHttpServer } from './close-http-server';
import type { EmulatorIdentity, RunningEmulator } from './emulator';
import { LOOPBACK } from './free-port';

/** Options of {@link startKmsStub}. */
export interface KmsStubOptions extends EmulatorIdentity {
  /** 32 bytes every key's material is derived from; random when not given (ciphertexts then die with the stub). */
  readonly masterSecret?: Buffer;
}

const MAGIC = Buffer.from('LKMS1');
const TARGET_PREFIX = 'TrentService.';

/**
 * A local server of the KMS JSON 1.1 wire protocol for the calls field encryption makes
 * (`GenerateDataKey`, `Encrypt`, `Decrypt`, `DescribeKey`), so the real SDK client and the Encryption
 * SDK's KMS keyring run unchanged. Every key ARN of the local account is a key: its material is derived
 * from the master secret, and ciphertexts are AES-256-GCM with the encryption context as additional
 * data, so a wrong context fails as it does in KMS (`InvalidCiphertextException`). No emulator of KMS
 * is published on npm; this one implements only what the pipeline calls.
 */
export const startKmsStub = async (options: KmsStubOptions): Promise<RunningEmulator> => {
  const master = options.masterSecret ?? randomBytes(32);
  const keyOf = (keyArn: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), keyArn, 32));
  const keyArnOf = (keyId: string): string | undefined => {
    if (keyId.startsWith(`arn:aws:kms:${options.region}:${options.accountId}:key/`)) return keyId;
    if (/^[0-9a-f-]{36}$/.test(keyId)) return `arn:aws:kms:${options.region}:${options.accountId}:key/${keyId}`;
    return undefined;
  };

  const seal = (keyArn: string, plaintext: Buffer, context: unknown): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyOf(keyArn), iv);
    cipher.setAAD(aadOf(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arn = Buffer.from(keyArn);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(arn.length);
    return Buffer.concat([MAGIC, length, arn, iv, cipher.getAuthTag(), body]);
  };
  const open = (blob: Buffer, context: unknown): { keyArn: string; plaintext: Buffer } => {
    if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) throw new KmsError('InvalidCiphertextException', 'not a ciphertext of this key store');
    const arnLength = blob.readUInt16BE(MAGIC.length);
    let at = MAGIC.length + 2;
    const keyArn = blob.subarray(at, (at += arnLength)).toString();
    const iv = blob.subarray(at, (at += 12));
    const tag = blob.subarray(at, (at += 16));
    const decipher = createDecipheriv('aes-256-gcm', keyOf(keyArn), iv);
    decipher.setAAD(aadOf(context));
    decipher.setAuthTag(tag);
    try {
      return { keyArn, plaintext: Buffer.concat([decipher.update(blob.subarray(at)), decipher.final()]) };
    } catch {
      throw new KmsError('InvalidCiphertextException', 'the ciphertext or its encryption context is not the one encrypted');
    }
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    GenerateDataKey: (input) => {
      const keyArn = requireKey(keyArnOf(String(input.KeyId ?? '')));
      const bytes = Number(input.NumberOfBytes ?? (input.KeySpec === 'AES_128' ? 16 : 32));
      const plaintext = randomBytes(bytes);
      return { KeyId: keyArn, Plaintext: plaintext.toString('base64'), CiphertextBlob: seal(keyArn, plaintext, input.EncryptionContext).toString('base64') };
    },
    Encrypt: (input) => {
      const keyArn = requireKey(keyArnOf(String(input.KeyId ?? '')));
      return { KeyId: keyArn, CiphertextBlob: seal(keyArn, Buffer.from(String(input.Plaintext), 'base64'), input.EncryptionContext).toString('base64') };
    },
    Decrypt: (input) => {
      const { keyArn, plaintext } = open(Buffer.from(String(input.CiphertextBlob), 'base64'), input.EncryptionContext);
      if (input.KeyId !== undefined && keyArnOf(String(input.KeyId)) !== keyArn) throw new KmsError('IncorrectKeyException', 'the ciphertext was encrypted under another key');
      return { KeyId: keyArn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    DescribeKey: (input) => {
      const keyArn = requireKey(keyArnOf(String(input.KeyId ?? '')));
      return { KeyMetadata: { Arn: keyArn, KeyId: keyArn.split('/').pop(), KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' } };
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, Buffer.concat(chunks), res, operations));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { endpoint: `http://${LOOPBACK}:${port}`, port, stop: () => closeHttpServer(server) };
};

class KmsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const requireKey = (keyArn: string | undefined): string => keyArn ?? fail('NotFoundException', 'no such key in the local account');

function fail(code: string, message: string): never {
  throw new KmsError(code, message);
}

/** The encryption context as KMS authenticates it: independent of the order of its entries. */
const aadOf = (context: unknown): Buffer =>
  Buffer.from(JSON.stringify(Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const answer = (req: IncomingMessage, body: Buffer, res: ServerResponse, operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>>): void => {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
  const reply = (status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(payload));
  };
  if (!operation) return reply(400, { __type: 'UnsupportedOperationException', message: `the local KMS does not implement ${target || 'this request'}` });
  try {
    reply(200, operation(body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}));
  } catch (error) {
    if (error instanceof KmsError) return reply(400, { __type: error.code, message: error.message });
    reply(400, { __type: 'ValidationException', message: 'the request is not valid JSON' });
  }
};
