import { maskEndpointArn, maskPhoneNumber, openContacts, sealContacts, sealingProfileStore } from '../../../../layers/core/profile/contact-fields';
import type { FieldCipher } from '../../../../layers/core/ports';
import { emptyProfile, type Profile } from '../../../../layers/core/profile/profile';
import { InMemoryProfileStore } from '../../../helpers/in-memory-ports';

const PHONE = '+447700900123';
const ENDPOINT = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/6f1c2d3e-0000-4000-8000-000000000007';

/** Reversible and context-bound, like the real cipher, and counting its calls. */
class FakeCipher implements FieldCipher {
  encrypts = 0;
  decrypts = 0;
  async encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    this.encrypts++;
    return new TextEncoder().encode(JSON.stringify({ plaintext: [...plaintext].reverse().join(''), context }));
  }
  async decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<string> {
    this.decrypts++;
    const sealed = JSON.parse(new TextDecoder().decode(ciphertext)) as { plaintext: string; context: Record<string, string> };
    if (JSON.stringify(sealed.context) !== JSON.stringify(context)) throw new Error('wrong context');
    return [...sealed.plaintext].reverse().join('');
  }
}

const withAddresses = (userId = 'u-1'): Profile => ({
  ...emptyProfile(userId),
  consent: { push: { granted: true, at: '2026-11-22T10:00:00.000Z', source: 'identify' }, sms: { granted: true, at: '2026-11-22T10:00:00.000Z', source: 'identify' } },
  channels: { sms: { phoneNumber: PHONE, at: '2026-11-22T10:00:00.000Z' }, push: { endpointArn: ENDPOINT, at: '2026-11-22T10:00:00.000Z' } },
});

describe('contact fields', () => {
  it('masks all but what recognises an address', () => {
    expect(maskPhoneNumber(PHONE)).toBe('+44••••••••23');
    expect(maskEndpointArn(ENDPOINT)).toBe('…/GCM/shop-app/••••0007');
  });

  it('seals plain addresses and keeps no plain value; opening gives them back', async () => {
    // Prepare
    const cipher = new FakeCipher();

    // Act
    const sealed = await sealContacts(withAddresses(), cipher);
    const opened = await openContacts(sealed, cipher);

    // Assess
    expect(JSON.stringify(sealed)).not.toContain(PHONE);
    expect(sealed.channels.sms).toEqual({ sealed: { ciphertext: expect.any(Uint8Array), masked: '+44••••••••23' }, at: '2026-11-22T10:00:00.000Z' });
    expect(sealed.channels.push?.endpointArn).toBeUndefined();
    expect(opened.channels.sms?.phoneNumber).toBe(PHONE);
    expect(opened.channels.push?.endpointArn).toBe(ENDPOINT);
  });

  it('opens only the channels the user consented to', async () => {
    // Prepare
    const cipher = new FakeCipher();
    const sealed = await sealContacts(withAddresses(), cipher);
    const smsOnly = { ...sealed, consent: { ...sealed.consent, push: { granted: false, at: '2026-11-22T11:00:00.000Z', source: 'settings' } } };

    // Act
    const opened = await openContacts(smsOnly, cipher);

    // Assess
    expect(opened.channels.sms?.phoneNumber).toBe(PHONE);
    expect(opened.channels.push?.endpointArn).toBeUndefined();
    expect(cipher.decrypts).toBe(1);
  });

  it("does not open another user's address copied into a profile", async () => {
    // Prepare
    const cipher = new FakeCipher();
    const alice = await sealContacts(withAddresses('alice'), cipher);
    const mallory = { ...withAddresses('mallory'), channels: alice.channels };

    // Act / Assess
    await expect(openContacts(mallory, cipher)).rejects.toThrow('wrong context');
  });

  it('seals on save only what is plain: a profile written again costs no encryption', async () => {
    // Prepare
    const cipher = new FakeCipher();
    const store = new InMemoryProfileStore();
    const sealing = sealingProfileStore(store, cipher);
    await sealing.save({ ...withAddresses(), version: 1 }, 0);

    // Act
    const loaded = (await sealing.load('u-1'))!;
    await sealing.save({ ...loaded, version: 2 }, 1);

    // Assess
    expect(cipher.encrypts).toBe(2);
    expect(JSON.stringify((await store.load('u-1'))!)).not.toContain(PHONE);
  });
});
