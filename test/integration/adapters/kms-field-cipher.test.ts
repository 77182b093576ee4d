import { FieldDecryptionError, KmsFieldCipher } from '../../../layers/adapters/kms-field-cipher';
import { describeWithAws, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';

const PHONE = '+447700900123';

describeWithAws('KmsFieldCipher (Encryption SDK, KMS keyring)', () => {
  let target: AwsTarget;
  let keyArn: string;

  beforeAll(async () => {
    target = await startAwsTarget();
    const { KeyMetadata } = await target.clients.kms.createKey({ Description: 'field key of the test' }).catch(() => ({ KeyMetadata: undefined }));
    // The local stub has no CreateKey: any key id of its account is a key.
    keyArn = KeyMetadata?.Arn ?? `arn:aws:kms:${target.region}:${target.accountId}:key/0f3c2b1a-0000-4000-8000-000000000001`;
  });
  afterAll(() => target.stop());

  it('round-trips a value bound to its user and field, and the ciphertext does not hold it', async () => {
    // Prepare
    const cipher = new KmsFieldCipher(target.clients.kms, keyArn);
    const context = { userId: 'alice', field: 'sms.phoneNumber' };

    // Act
    const sealed = await cipher.encrypt(PHONE, context);

    // Assess
    expect(Buffer.from(sealed).includes(Buffer.from(PHONE))).toBe(false);
    expect(await cipher.decrypt(sealed, context)).toBe(PHONE);
    // Sized for the profile's write cost: no signature (an ECDSA one would add ~200 bytes), one data key.
    expect(sealed.byteLength).toBeLessThan(512);
  });

  it("refuses another user's or field's context", async () => {
    // Prepare
    const cipher = new KmsFieldCipher(target.clients.kms, keyArn);
    const sealed = await cipher.encrypt(PHONE, { userId: 'alice', field: 'sms.phoneNumber' });

    // Act / Assess
    await expect(cipher.decrypt(sealed, { userId: 'mallory', field: 'sms.phoneNumber' })).rejects.toThrow(FieldDecryptionError);
    await expect(cipher.decrypt(sealed, { userId: 'alice', field: 'push.endpointArn' })).rejects.toThrow(FieldDecryptionError);
  });

  it('refuses a damaged ciphertext', async () => {
    // Prepare
    const cipher = new KmsFieldCipher(target.clients.kms, keyArn);
    const sealed = await cipher.encrypt(PHONE, { userId: 'alice', field: 'sms.phoneNumber' });
    sealed[sealed.length - 40] = sealed[sealed.length - 40]! ^ 0xff;

    // Act / Assess
    await expect(cipher.decrypt(sealed, { userId: 'alice', field: 'sms.phoneNumber' })).rejects.toThrow(FieldDecryptionError);
  });
});
