import batch from '../../../events/schemas/batch.schema.json';
import common from '../../../events/schemas/common.schema.json';
import addToCart from '../../../events/schemas/events/add_to_cart.schema.json';
import appOpen from '../../../events/schemas/events/app_open.schema.json';
import consent from '../../../events/schemas/events/consent.schema.json';
import feedback from '../../../events/schemas/events/feedback.schema.json';
import inAppClick from '../../../events/schemas/events/in_app_click.schema.json';
import inAppImpression from '../../../events/schemas/events/in_app_impression.schema.json';
import identify from '../../../events/schemas/events/identify.schema.json';
import login from '../../../events/schemas/events/login.schema.json';
import pageView from '../../../events/schemas/events/page_view.schema.json';
import productView from '../../../events/schemas/events/product_view.schema.json';
import purchase from '../../../events/schemas/events/purchase.schema.json';
import pushOpen from '../../../events/schemas/events/push_open.schema.json';
import removeFromCart from '../../../events/schemas/events/remove_from_cart.schema.json';
import smsClick from '../../../events/schemas/events/sms_click.schema.json';
import type { EventType } from './pipeline-event';

/**
 * The contract's JSON Schemas, imported statically so the bundler ships them inside each function.
 * `events/schemas/` is the one source of truth: the OpenAPI document and API Gateway's model refer to
 * the same files.
 */
export const BATCH_SCHEMA = batch;
export const COMMON_SCHEMA = common;
export const EVENT_SCHEMAS: Record<EventType, object> = {
  app_open: appOpen,
  login,
  page_view: pageView,
  product_view: productView,
  add_to_cart: addToCart,
  remove_from_cart: removeFromCart,
  purchase,
  push_open: pushOpen,
  sms_click: smsClick,
  in_app_impression: inAppImpression,
  in_app_click: inAppClick,
  feedback,
  identify,
  consent,
};
