import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** How long the secrets are kept before they are read again, so a rotation reaches warm containers. */
const REFRESH_MS = 5 * 60_000;

/**
 * The inbox signing secret's current value and, during a rotation, its previous one: hashes signed with
 * either are accepted, so app backends can switch to the new secret at their own pace.
 */
export class SecretsManagerSigningSecrets {
  #cached: { at: number; values: Promise<string[]> } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
    private readonly now: () => number = Date.now,
  ) {}

  values(): Promise<string[]> {
    if (!this.#cached || this.now() - this.#cached.at > REFRESH_MS) {
      const values = Promise.all([this.read('AWSCURRENT'), this.read('AWSPREVIOUS')]).then((found) => found.filter((value): value is string => value !== undefined));
      // A failed read is not kept: the next request tries again.
      values.catch(() => (this.#cached = undefined));
      this.#cached = { at: this.now(), values };
    }
    return this.#cached.values;
  }

  private async read(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn, VersionStage: stage }));
      return SecretString;
    } catch (error) {
      // No previous version outside a rotation.
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
