import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import type { KMS } from '@aws-sdk/client-kms';
import type { FieldCipher } from '../core/ports';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/**
 * No signature: the writer and the reader are both ours, and an ECDSA signature would add about 200
 * bytes to every address (a profile write's cost is its size). Key commitment stays on.
 */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/** A decrypted data key is reused for this long, so repeated sends to a user in one container cost one KMS call. */
const CACHE_MAX_AGE_MS = 5 * 60_000;
const CACHE_ENTRIES = 1_000;

/** A ciphertext did not decrypt: wrong key, wrong context (another user's or field's), or damaged. */
export class FieldDecryptionError extends Error {
  override readonly name = 'FieldDecryptionError';
}

/**
 * Envelope encryption with the AWS Encryption SDK under one KMS key: a data key per message from
 * `GenerateDataKey` (the writer's only KMS permission), unwrapped by `Decrypt` (the reader's). The
 * encryption context (user, field) is authenticated, and checked again here on decrypt.
 */
export class KmsFieldCipher implements FieldCipher {
  readonly #materials: NodeCachingMaterialsManager;

  constructor(kms: KMS, keyArn: string) {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => kms });
    this.#materials = new NodeCachingMaterialsManager({
      backingMaterials: keyring,
      cache: getLocalCryptographicMaterialsCache(CACHE_ENTRIES),
      maxAge: CACHE_MAX_AGE_MS,
    });
  }

  async encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    const { result } = await encrypt(this.#materials, plaintext, { encryptionContext: { ...context }, suiteId: SUITE });
    return new Uint8Array(result);
  }

  async decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<string> {
    let opened: Awaited<ReturnType<typeof decrypt>>;
    try {
      opened = await decrypt(this.#materials, Buffer.from(ciphertext));
    } catch (error) {
      throw new FieldDecryptionError('a sealed field did not decrypt', { cause: error });
    }
    const stated = opened.messageHeader.encryptionContext;
    for (const [name, value] of Object.entries(context)) {
      if (stated[name] !== value) throw new FieldDecryptionError(`a sealed field belongs to another ${name}`);
    }
    return opened.plaintext.toString('utf8');
  }
}
