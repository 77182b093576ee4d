/**
 * The placeholders a campaign's texts (title, body, sms, deepLink) may hold, filled by deliver at send time.
 * `parseCampaign` refuses any other `{{name}}`, so a typo is caught when the file is validated, not when
 * a user receives "{{cupon}}".
 */
export const CAMPAIGN_PLACEHOLDERS = {
  /** The variant's `coupon` code (the variant must set one). */
  coupon: 'the content variant\'s coupon code',
  /** The product of the triggering event (product_view, add_to_cart…); empty when the event has none. */
  productId: 'the product id of the event that started the trigger',
  /** The `firstName` trait from identify; empty when unknown. */
  firstName: 'the user\'s firstName trait (empty when unknown)',
} as const;

/**
 * `{{event.<property>}}`: a scalar property of the triggering custom event (`{{event.productId}}`), or of a
 * standard event's own properties (`{{event.custom.color}}`); `{{trait.<name>}}`: an identify trait of the
 * user at send time. A message whose value is missing is not sent (a hole in it would be worse).
 */
export const DYNAMIC_PLACEHOLDER = /^(event|trait)\.[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;

/** `{{product1}}` … `{{product<N>}}`: the N recommended products, N ≤ the variant's `recommendations`. */
export const PRODUCT_PLACEHOLDER = /^product([1-9][0-9]*)$/;

/** Every `{{name}}` in a text (whitespace inside the braces allowed), in order of appearance. */
export const placeholdersIn = (text: string): string[] => [...text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((match) => match[1]!);
