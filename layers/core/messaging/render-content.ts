import type { Campaign, ContentVariant } from '../campaigns/campaign';
import { PRODUCT_PLACEHOLDER } from '../campaigns/placeholders';
import { matchesAudience } from '../campaigns/match-audience';
import type { Profile } from '../profile/profile';
import type { Intent } from './intent';

/** The message as it goes out, before the channel's own envelope. */
export interface RenderedContent {
  variant: string;
  title: string;
  body: string;
  /** SMS text: the variant's `sms`, else `title: body`. */
  smsText: string;
  deepLink: string;
  /** The recommended items filled into `{{product1..N}}`, in order. */
  productIds: string[];
  /** Rich-push image. */
  imageUrl?: string;
  /** The coupon code the message carries: a purchase with it counts as redeemed. */
  coupon?: string;
}

export type RenderResult = { ok: true; content: RenderedContent } | { ok: false; missing: string[] };

/**
 * The campaign's content for this user's segment: the first variant whose `when` matches the profile,
 * else the default (the variant without `when`). Undefined only for a campaign without content, which
 * the campaign schema rejects.
 */
export const selectVariant = (campaign: Campaign, profile: Profile, now: Date): ContentVariant | undefined =>
  campaign.content.find((variant) => variant.when && matchesAudience(profile, variant.when, now)) ?? campaign.content.find((variant) => !variant.when);

/** The intent context's product ids the user already bought: never recommended back to them. */
export const purchasedProductIds = (intent: Intent): string[] => {
  const value = intent.context.purchasedProductIds;
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
};

/** Product ids the intent is about (the product viewed, the products bought): seeds for related items. */
export const seedProductIds = (intent: Intent): string[] => {
  const viewed = intent.context.productId;
  return [...(typeof viewed === 'string' ? [viewed] : []), ...purchasedProductIds(intent)];
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Fills a template's `{{name}}` placeholders (docs/campaigns.md lists them; `parseCampaign` refuses any
 * other). `values` answers undefined for a value that must be there but is not: such placeholders are
 * reported missing, because a message with a hole in it is not sent.
 */
export const fillTemplate = (
  template: string,
  values: (name: string) => string | undefined,
  encode: (value: string) => string = (value) => value,
): { text: string; missing: string[] } => {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values(name);
    if (value !== undefined) return encode(value);
    missing.push(name);
    return '';
  });
  return { text, missing };
};

/** Renders a variant for a user with the recommended items. Pure. */
export const renderContent = (input: { variant: ContentVariant; intent: Intent; profile: Profile; recommendations: readonly string[] }): RenderResult => {
  const { variant, intent, profile, recommendations } = input;
  const values = (name: string): string | undefined => {
    const product = PRODUCT_PLACEHOLDER.exec(name);
    // Fewer recommendations than slots (a short popular list, everything bought already): not sent.
    if (product) return recommendations[Number(product[1]) - 1];
    if (name === 'coupon') return variant.coupon;
    // Optional by the campaign contract: empty when unknown.
    if (name === 'firstName') return scalar(profile.traits.firstName) ?? '';
    if (name === 'productId') return scalar(intent.context.productId) ?? '';
    // Required: a message missing one is not sent (recorded with the placeholder's name).
    if (name.startsWith('event.')) return scalar(intent.context[name]);
    if (name.startsWith('trait.')) return scalar(profile.traits[name.slice('trait.'.length)]);
    return undefined;
  };
  const title = fillTemplate(variant.title, values);
  const body = fillTemplate(variant.body, values);
  const sms = fillTemplate(variant.sms ?? `${variant.title}: ${variant.body}`, values);
  const deepLink = variant.deepLink ? fillTemplate(variant.deepLink, values, encodeURIComponent) : { text: defaultDeepLink(intent), missing: [] };
  const missing = [...new Set([...title.missing, ...body.missing, ...sms.missing, ...deepLink.missing])];
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    content: {
      variant: variant.name,
      title: title.text,
      body: body.text,
      smsText: sms.text,
      deepLink: deepLink.text,
      productIds: recommendations.slice(0, variant.recommendations),
      ...(variant.imageUrl && { imageUrl: variant.imageUrl }),
      ...(variant.coupon && { coupon: variant.coupon }),
    },
  };
};

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

const defaultDeepLink = (intent: Intent): string => {
  const [first] = seedProductIds(intent);
  return first ? `app://product/${encodeURIComponent(first)}` : 'app://home';
};
