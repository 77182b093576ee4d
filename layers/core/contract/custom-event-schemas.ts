import customEvent from '../../../events/schemas/custom-event.schema.json';
import couponRedeemed from '../../../events/schemas/custom/coupon_redeemed.schema.json';
import wishlistAdd from '../../../events/schemas/custom/wishlist_add.schema.json';

/**
 * The registered custom events (`events/schemas/custom/<type>.schema.json`), validated as strictly as the
 * standard ones; imported statically so the bundler ships them. Registering one: add its file and a line
 * here (a unit test fails when a file of that folder is missing here).
 */
export const REGISTERED_CUSTOM_EVENT_SCHEMAS: Readonly<Record<string, object>> = {
  wishlist_add: wishlistAdd,
  coupon_redeemed: couponRedeemed,
};

/** The schema of every other custom event: the common fields, and free-form properties within limits. */
export const CUSTOM_EVENT_SCHEMA = customEvent;

/**
 * A custom event's name: lowercase letters, digits and _, 2 to 40, starting with a letter (`wishlist_add`).
 * Not `constructor`: the profile keeps per-type counts in plain objects, where that name is inherited.
 */
export const CUSTOM_EVENT_NAME = /^(?!constructor$)[a-z][a-z0-9_]{1,39}$/;
