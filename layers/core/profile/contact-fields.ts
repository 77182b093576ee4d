import type { FieldCipher, ProfileStore } from '../ports';
import type { Profile } from './profile';

/**
 * A contact address as the profile stores it: encrypted at field level (envelope encryption under the
 * FieldKey, bound to the user and the field) with a masked form for people to recognise it by.
 */
export interface SealedField {
  readonly ciphertext: Uint8Array;
  /** `+44•••••••23`, `…/GCM/shop-app/••••0007`: enough to recognise, never enough to reach. */
  readonly masked: string;
}

/** Which address a ciphertext holds: part of its encryption context, so one copied elsewhere does not decrypt. */
export type ContactField = 'sms.phoneNumber' | 'push.endpointArn';

/** Everything but the country code and the last two digits. */
export const maskPhoneNumber = (phoneNumber: string): string =>
  phoneNumber.length <= 6 ? '•'.repeat(phoneNumber.length) : `${phoneNumber.slice(0, 3)}${'•'.repeat(phoneNumber.length - 5)}${phoneNumber.slice(-2)}`;

/** The platform application and the endpoint id's last four characters. */
export const maskEndpointArn = (endpointArn: string): string => {
  const [, path = ''] = endpointArn.split(':endpoint/');
  const parts = path.split('/');
  const id = parts.pop() ?? '';
  return `…/${[...parts, `••••${id.slice(-4)}`].join('/')}`;
};

const contextOf = (userId: string, field: ContactField): Record<string, string> => ({ userId, field });

/**
 * Encrypts the addresses the fold left in plain text (a new phone number or endpoint, or an item
 * written before field encryption) and drops the plain values. What is sealed already stays as it is.
 */
export const sealContacts = async (profile: Profile, cipher: FieldCipher): Promise<Profile> => {
  const { sms, push } = profile.channels;
  const channels = { ...profile.channels };
  if (sms?.phoneNumber !== undefined) {
    const ciphertext = await cipher.encrypt(sms.phoneNumber, contextOf(profile.userId, 'sms.phoneNumber'));
    channels.sms = { sealed: { ciphertext, masked: maskPhoneNumber(sms.phoneNumber) }, at: sms.at };
  }
  if (push?.endpointArn !== undefined) {
    const ciphertext = await cipher.encrypt(push.endpointArn, contextOf(profile.userId, 'push.endpointArn'));
    channels.push = { sealed: { ciphertext, masked: maskEndpointArn(push.endpointArn) }, at: push.at };
  }
  return channels === profile.channels ? profile : { ...profile, channels };
};

/**
 * The profile with its sealed addresses decrypted, for the one function that sends to them. Only the
 * channels the user consented to: deliver never sends elsewhere, so it pays no KMS call for them.
 */
export const openContacts = async (profile: Profile, cipher: FieldCipher): Promise<Profile> => {
  const { sms, push } = profile.channels;
  const consented = (channel: 'sms' | 'push') => profile.consent[channel]?.granted === true;
  const [phoneNumber, endpointArn] = await Promise.all([
    sms?.sealed && sms.phoneNumber === undefined && consented('sms') ? cipher.decrypt(sms.sealed.ciphertext, contextOf(profile.userId, 'sms.phoneNumber')) : undefined,
    push?.sealed && push.endpointArn === undefined && consented('push') ? cipher.decrypt(push.sealed.ciphertext, contextOf(profile.userId, 'push.endpointArn')) : undefined,
  ]);
  if (phoneNumber === undefined && endpointArn === undefined) return profile;
  return {
    ...profile,
    channels: {
      ...profile.channels,
      ...(sms && phoneNumber !== undefined && { sms: { ...sms, phoneNumber } }),
      ...(push && endpointArn !== undefined && { push: { ...push, endpointArn } }),
    },
  };
};

/** The store process-events writes through: every save seals what is plain; loads are untouched (it cannot decrypt). */
export const sealingProfileStore = (store: ProfileStore, cipher: FieldCipher): ProfileStore => ({
  load: (userId) => store.load(userId),
  loadMany: (userIds) => store.loadMany(userIds),
  save: async (profile, expectedVersion) => store.save(await sealContacts(profile, cipher), expectedVersion),
  saveMerged: async (profile, expectedVersion, tombstones) => store.saveMerged(await sealContacts(profile, cipher), expectedVersion, tombstones),
  clearOutbox: (userId, version) => store.clearOutbox(userId, version),
});

/** The store deliver reads through: addresses decrypted on load. */
export const openingProfileStore = (store: Pick<ProfileStore, 'load'>, cipher: FieldCipher): Pick<ProfileStore, 'load'> => ({
  load: async (userId) => {
    const profile = await store.load(userId);
    return profile && openContacts(profile, cipher);
  },
});
