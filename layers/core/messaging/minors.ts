import type { Profile } from '../profile/profile';

/** Traits that can tell a user's age: an ISO birth date, or an age band the app sends. */
export const AGE_TRAITS = { birthDate: 'birthDate', ageBand: 'ageBand' } as const;

/**
 * Whether the profile says the user is under `minimumAge` at `now`: from `traits.birthDate`
 * (`YYYY-MM-DD`, their age in whole years on the UTC date), else from `traits.ageBand` whose upper bound
 * is under it (`13-17`, `under-18`, `<16`). Unknown or unreadable: not known to be a minor (the rule is
 * about users known to be minors; apps that must be sure send the trait).
 */
export const isKnownMinor = (profile: Pick<Profile, 'traits'>, minimumAge: number, now: Date): { minor: boolean; detail?: string } => {
  const birthDate = profile.traits[AGE_TRAITS.birthDate];
  if (typeof birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    const age = ageOn(birthDate, now);
    if (age !== undefined) return age < minimumAge ? { minor: true, detail: `birthDate: ${age} years` } : { minor: false };
  }
  const band = profile.traits[AGE_TRAITS.ageBand];
  const upper = typeof band === 'string' ? upperBoundOf(band) : undefined;
  return upper !== undefined && upper < minimumAge ? { minor: true, detail: `ageBand: ${band}` } : { minor: false };
};

const ageOn = (birthDate: string, now: Date): number | undefined => {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const today = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
  const hadBirthday = today.month > month || (today.month === month && today.day >= day);
  return today.year - year - (hadBirthday ? 0 : 1);
};

/** The oldest age a band includes: `13-17` → 17, `under-18` / `<18` → 17; `18+` and anything else: undefined. */
const upperBoundOf = (band: string): number | undefined => {
  const range = /^\s*(\d{1,3})\s*[-–]\s*(\d{1,3})\s*$/.exec(band);
  if (range) return Number(range[2]);
  const under = /^\s*(?:under[\s-]*|<\s*)(\d{1,3})\s*$/i.exec(band);
  return under ? Number(under[1]) - 1 : undefined;
};
