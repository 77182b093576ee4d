import type { IngestedEvent } from '../contract/pipeline-event';
import { classifyFeedback, type FeedbackItem, type FeedbackSentiment } from './classify-feedback';
import { cellOf } from './funnel';

/** The programme's behaviour per UTC quarter-hour: what the daily review compares day to day. */
export interface BehaviourIncrement {
  day: string;
  slot: string;
  add: Record<string, number>;
}

/** A feedback event as the review keeps it (for counts and a few examples; the text is personal data). */
export interface KeptFeedback extends FeedbackItem {
  insertId: string;
  sentiment: FeedbackSentiment;
}

export const BEHAVIOUR_COUNTERS = ['sessions', 'productViews', 'dwellMs', 'dwellViews', 'addToCart', 'purchases', 'feedback'] as const;

/**
 * What a batch's applied events add to the behaviour counters (sessions = app opens, product views and
 * their dwell time, add-to-cart, purchases, feedback), one increment per quarter-hour cell, and the
 * feedback to keep, classified. Applied events are new to their profile, so a replay adds nothing.
 */
export const behaviourOf = (events: readonly IngestedEvent[]): { increments: BehaviourIncrement[]; feedback: KeptFeedback[] } => {
  const cells = new Map<string, BehaviourIncrement>();
  const feedback: KeptFeedback[] = [];
  const add = (event: IngestedEvent, counter: string, amount = 1) => {
    const { day, slot } = cellOf('-', event.timestamp);
    const cell = cells.get(`${day}T${slot}`) ?? { day, slot, add: {} };
    cell.add[counter] = (cell.add[counter] ?? 0) + amount;
    cells.set(`${day}T${slot}`, cell);
  };
  for (const event of events) {
    const properties = event.properties ?? {};
    if (event.type === 'app_open') add(event, 'sessions');
    else if (event.type === 'add_to_cart') add(event, 'addToCart');
    else if (event.type === 'purchase') add(event, 'purchases');
    else if (event.type === 'product_view') {
      add(event, 'productViews');
      if (typeof properties.dwellMs === 'number') {
        add(event, 'dwellMs', properties.dwellMs);
        add(event, 'dwellViews');
      }
    } else if (event.type === 'feedback' && typeof properties.rating === 'number') {
      const item = { rating: properties.rating, placement: properties.placement ?? 'unknown', at: event.timestamp, ...(properties.text && { text: properties.text }) };
      const { sentiment } = classifyFeedback(item);
      add(event, 'feedback');
      add(event, `feedback:${sentiment}`);
      feedback.push({ ...item, insertId: event.insertId, sentiment });
    }
  }
  return { increments: [...cells.values()], feedback };
};
