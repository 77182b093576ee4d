import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * The ISO 3166 country an SMS goes to, from its E.164 number (libphonenumber's metadata): what the SMS
 * costs depends on it. `ZZ` when the number's country cannot be told. Only the country is kept, never
 * the number.
 */
export const destinationCountry = (phoneNumber: string): string => parsePhoneNumberFromString(phoneNumber)?.country ?? 'ZZ';
