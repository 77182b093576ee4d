import fc from 'fast-check';
import type { Campaign } from '../../../../layers/core/campaigns/campaign';
import type { IngestedEvent } from '../../../../layers/core/contract/pipeline-event';
import { messageIdFor, type Intent } from '../../../../layers/core/messaging/intent';
import { foldProfile } from '../../../../layers/core/profile/fold-profile';
import type { Profile } from '../../../../layers/core/profile/profile';
import { evaluateTriggers, type TriggerEvaluation } from '../../../../layers/core/triggers/evaluate-triggers';
import { DURATION_LIMITS_MS } from '../../../../layers/core/campaigns/parse-campaign';
import { LATE_EVENT_TOLERANCE_MS, MAX_MARKS_PER_CAMPAIGN, MAX_TIMER_DELAY_MS } from '../../../../layers/core/triggers/trigger-state';
import { campaignFactory } from '../../../helpers/campaign-factories';
import { ingestedEventFactory, profileFactory } from '../../../helpers/factories';
import { InMemoryTimerStore } from '../../../helpers/in-memory-timer-store';
import { DAY, HOUR, MINUTE, triggerCampaigns } from '../../../helpers/trigger-factories';

const { viewedNoCart, relatedAfterPurchase, comeback, browsedThree, thanks } = triggerCampaigns;
const NOW = new Date('2026-11-22T12:00:00.000Z');

/** Client time on the test day, `HH:MM` or `HH:MM:SS.mmm`. */
const at = (time: string): string => `2026-11-22T${time.length === 5 ? `${time}:00.000` : time}Z`;
const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

const event = (type: IngestedEvent['type'], time: string, properties?: IngestedEvent['properties']) =>
  ingestedEventFactory({ userId: 'alice', type, timestamp: at(time), ...(properties ? { properties } : {}) });
const view = (time: string, productId = 'P-1', dwellMs = 4000) => event('product_view', time, { productId, category: 'kitchen', dwellMs });
const cart = (time: string, productId = 'P-1') => event('add_to_cart', time, { productId, quantity: 1, price: 9.99 });
const page = (time: string) => event('page_view', time, { page: `/p/${time}` });
const login = (time: string) => event('login', time);
const purchase = (time: string, orderId = 'order-1') =>
  event('purchase', time, { orderId, currency: 'GBP', items: [{ productId: 'P-7', quantity: 1, price: 20 }, { productId: 'P-8', quantity: 2, price: 5 }] });

/**
 * One user, as process-events sees them: each batch is folded (so duplicates are dropped), the triggers
 * are evaluated on the applied events, the trigger state is kept in the profile and the timer commands
 * are applied to an in-memory Timers table.
 */
class User {
  profile: Profile;
  readonly timers = new InMemoryTimerStore();
  readonly intents: Intent[] = [];
  stale = 0;

  constructor(
    readonly campaigns: readonly Campaign[],
    overrides: Partial<Profile> = {},
  ) {
    this.profile = profileFactory({ userId: 'alice', ...overrides });
  }

  async receive(events: IngestedEvent[], now = NOW): Promise<TriggerEvaluation> {
    const { profile, applied } = foldProfile(this.profile, events);
    const evaluation = evaluateTriggers({ campaigns: this.campaigns, profile, applied, now });
    this.profile = { ...profile, triggers: evaluation.state };
    await this.timers.apply(evaluation.timers);
    this.intents.push(...evaluation.intents);
    this.stale += evaluation.stale;
    return evaluation;
  }

  timer(campaign: Campaign, correlation = '-') {
    return this.timers.get('alice', `${campaign.id}#${correlation}`);
  }
}

const idFor = (campaign: Campaign, occurrence: IngestedEvent) => messageIdFor({ userId: 'alice', campaignId: campaign.id, occurrence: occurrence.insertId });

describe('evaluateTriggers', () => {
  describe('an event alone', () => {
    it('fires once per matching event, with a deterministic id, the first channel and the event as context', async () => {
      // Prepare
      const user = new User([thanks]);
      const first = purchase('10:00', 'order-1');
      const second = purchase('10:05', 'order-2');

      // Act
      const { intents, timers } = await user.receive([second, login('10:01'), first]);

      // Assess
      expect(timers).toEqual([]);
      expect(intents).toEqual([
        {
          messageId: idFor(thanks, first),
          userId: 'alice',
          campaignId: thanks.id,
          channel: 'push',
          occurrence: first.insertId,
          triggeredAt: first.timestamp,
          context: { eventType: 'purchase', orderId: 'order-1', purchasedProductIds: ['P-7', 'P-8'] },
        },
        expect.objectContaining({ messageId: idFor(thanks, second), occurrence: second.insertId }),
      ]);
    });

    it('does not fire on other events or when a where condition fails', async () => {
      // Prepare
      const bigOrders = campaignFactory({ id: 'big-orders', trigger: { event: { type: 'purchase', where: { currency: { equals: 'EUR' } } } } });
      const user = new User([bigOrders]);

      // Act
      const { intents } = await user.receive([purchase('10:00'), login('10:01'), view('10:02')]);

      // Assess
      expect(intents).toEqual([]);
    });

    it.each<[string, Partial<Campaign>]>([
      ['the audience', { audience: { lifecycleStages: ['churn-risk'] } }],
      ["the trigger's profile conditions", { trigger: { event: { type: 'purchase' }, profile: { tagsAll: ['high-spender'] } } }],
    ])('does not fire for a user outside %s', async (_name, overrides) => {
      // Prepare
      const user = new User([{ ...thanks, ...overrides }], { lifecycleStage: 'growth', tags: ['repeat-buyer'] });

      // Act
      const { intents } = await user.receive([purchase('10:00')]);

      // Assess
      expect(intents).toEqual([]);
    });

    it('fires for a user inside the audience', async () => {
      // Prepare
      const user = new User([{ ...thanks, audience: { lifecycleStages: ['growth'], tagsAny: ['repeat-buyer'] } }], { lifecycleStage: 'growth', tags: ['repeat-buyer'] });

      // Act
      const { intents } = await user.receive([purchase('10:00')]);

      // Assess
      expect(intents).toHaveLength(1);
    });
  });

  describe('count ≥ N within a window', () => {
    it('fires when the third page view falls within 30 minutes, then counts afresh', async () => {
      // Prepare
      const user = new User([browsedThree]);
      const pages = ['10:00', '10:10', '10:20', '10:21', '10:22', '10:23'].map(page);

      // Act
      const fired = [];
      for (const p of pages) fired.push((await user.receive([p])).intents.map((i) => i.occurrence));

      // Assess
      expect(fired).toEqual([[], [], [pages[2]!.insertId], [], [], [pages[5]!.insertId]]);
      expect(user.intents[0]).toMatchObject({
        messageId: idFor(browsedThree, pages[2]!),
        triggeredAt: pages[2]!.timestamp,
        context: { eventType: 'page_view', page: '/p/10:20', count: 3 },
      });
    });

    it('fires when the first and last are exactly the window apart, not a millisecond more', async () => {
      // Prepare
      const exactly = new User([browsedThree]);
      const over = new User([browsedThree]);

      // Act
      const inWindow = await exactly.receive([page('10:00'), page('10:15'), page('10:30:00.000')]);
      const outside = await over.receive([page('10:00'), page('10:15'), page('10:30:00.001')]);

      // Assess
      expect(inWindow.intents).toHaveLength(1);
      expect(outside.intents).toHaveLength(0);
    });

    it('does not fire for events spread wider than the window, and keeps fewer than N of them', async () => {
      // Prepare
      const user = new User([browsedThree]);

      // Act
      for (const time of ['10:00', '10:20', '10:40', '11:00', '11:20', '11:40']) await user.receive([page(time)]);

      // Assess
      expect(user.intents).toEqual([]);
      expect(user.profile.triggers.counts[browsedThree.id]!.events.map((e) => e.at)).toEqual([at('11:20'), at('11:40')]);
    });

    it('fires once when a late event completes a window, with the occurrence of its last event by client time', async () => {
      // Prepare
      const user = new User([browsedThree]);
      const last = page('10:20');
      await user.receive([page('10:00'), last]);

      // Act
      const { intents } = await user.receive([page('10:10')]);

      // Assess
      expect(intents.map((i) => i.messageId)).toEqual([idFor(browsedThree, last)]);
    });

    it('does not count again an event older than the last firing', async () => {
      // Prepare
      const user = new User([browsedThree]);
      await user.receive([page('10:00'), page('10:01'), page('10:02')]);

      // Act
      const late = await user.receive([page('09:59'), page('10:03'), page('10:04')]);
      const next = await user.receive([page('10:05')]);

      // Assess
      expect(user.intents).toHaveLength(2);
      expect(late.intents).toEqual([]);
      expect(next.intents).toHaveLength(1);
    });

    it('counts but does not fire for a user outside the audience', async () => {
      // Prepare
      const user = new User([{ ...browsedThree, audience: { tagsNone: ['mobile-active'] } }], { tags: ['mobile-active'] });

      // Act
      const { intents, state } = await user.receive([page('10:00'), page('10:01'), page('10:02')]);

      // Assess
      expect(intents).toEqual([]);
      expect(state.counts[browsedThree.id]).toEqual({ events: [], firedThrough: expect.objectContaining({ at: at('10:02') }) });
    });
  });

  describe('unless X within T', () => {
    it('arms a timer 30 minutes after a long enough product view, carrying the intent it will enqueue', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      const viewed = view('10:00', 'P-1');

      // Act
      const { timers, intents } = await user.receive([viewed]);

      // Assess
      expect(intents).toEqual([]);
      expect(timers).toEqual([
        {
          op: 'arm',
          timer: {
            userId: 'alice',
            key: 'viewed-no-cart-coupon#P-1',
            armId: viewed.insertId,
            armedAt: viewed.timestamp,
            dueAt: at('10:30'),
            intent: {
              messageId: idFor(viewedNoCart, viewed),
              userId: 'alice',
              campaignId: viewedNoCart.id,
              channel: 'push',
              occurrence: viewed.insertId,
              triggeredAt: at('10:30'),
              context: { eventType: 'product_view', productId: 'P-1', category: 'kitchen' },
            },
          },
        },
      ]);
    });

    it('arms nothing for a view shorter than the where condition asks', async () => {
      // Prepare
      const user = new User([viewedNoCart]);

      // Act
      const { timers } = await user.receive([view('10:00', 'P-1', 2999)]);

      // Assess
      expect(timers).toEqual([]);
    });

    it('is cancelled by adding the same product to the cart within the window', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00', 'P-1')]);

      // Act
      const { timers } = await user.receive([cart('10:29', 'P-1')]);

      // Assess
      expect(timers).toEqual([{ op: 'cancel', userId: 'alice', key: 'viewed-no-cart-coupon#P-1', at: at('10:29') }]);
      expect(user.timer(viewedNoCart, 'P-1')).toBeUndefined();
    });

    it('arms nothing when the view and the cart come in the same batch', async () => {
      // Prepare
      const user = new User([viewedNoCart]);

      // Act
      const { timers } = await user.receive([cart('10:10'), view('10:00')]);

      // Assess
      expect(timers.filter((c) => c.op === 'arm')).toEqual([]);
      expect(user.timers.items.size).toBe(0);
    });

    it('keeps one timer per product: adding another product cancels nothing', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00', 'P-1'), view('10:01', 'P-2')]);

      // Act
      await user.receive([cart('10:05', 'P-2')]);

      // Assess
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ dueAt: at('10:30') });
      expect(user.timer(viewedNoCart, 'P-2')).toBeUndefined();
    });

    it('is not cancelled by a cart after the window: it was too late, however late the sweeper is', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00')]);

      // Act
      await user.receive([cart('10:30:00.001')]);

      // Assess
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ dueAt: at('10:30') });
    });

    it('arms nothing when an add_to_cart arrives before the older product view it completes', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([cart('10:20', 'P-1')]);

      // Act
      const { timers } = await user.receive([view('10:00', 'P-1')]);

      // Assess
      expect(timers).toEqual([]);
      expect(user.timers.items.size).toBe(0);
    });

    it('is not completed by an add_to_cart that happened before the view', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([cart('09:59', 'P-1')]);

      // Act
      await user.receive([view('10:00', 'P-1')]);

      // Assess
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ dueAt: at('10:30') });
    });

    it('re-arms on a repeated view: the timer moves, with the new occurrence', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00')]);
      const again = view('10:20');

      // Act
      await user.receive([again]);

      // Assess
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ armId: again.insertId, dueAt: at('10:50'), intent: { messageId: idFor(viewedNoCart, again) } });
    });

    it('neither re-arms nor brings back a timer for an older view that arrives late', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      const newer = view('10:10');
      await user.receive([newer]);

      // Act
      const { timers } = await user.receive([view('10:00')]);

      // Assess
      expect(timers).toEqual([]);
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ armId: newer.insertId });
    });

    it('arms nothing for an older view that arrives after a newer view and the cart that completed it', async () => {
      // Prepare: in order, 10:00 arms, 10:20 moves the timer, 10:40 cancels it
      const user = new User([viewedNoCart]);
      await user.receive([view('10:20'), cart('10:40')]);

      // Act
      await user.receive([view('10:00')]);

      // Assess
      expect(user.timers.items.size).toBe(0);
    });

    it('without correlateOn, keeps one timer per user and campaign', async () => {
      // Prepare
      const anyProduct = { ...viewedNoCart, trigger: { ...viewedNoCart.trigger, correlateOn: undefined } };
      const user = new User([anyProduct]);
      await user.receive([view('10:00', 'P-1'), view('10:05', 'P-2')]);
      const armed = user.timer(anyProduct);

      // Act
      await user.receive([cart('10:10', 'P-3')]);

      // Assess
      expect(armed).toMatchObject({ dueAt: at('10:35') });
      expect(user.timers.items.size).toBe(0);
    });

    it('allows the same event type to start and complete ("no page view within 10 minutes of one")', async () => {
      // Prepare
      const idle = campaignFactory({ id: 'idle', trigger: { event: { type: 'page_view' }, unless: { event: { type: 'page_view' }, withinMs: 10 * MINUTE } } });
      const inOrder = new User([idle]);
      const shuffled = new User([idle]);
      const pages = [page('10:00'), page('10:05'), page('10:30')];

      // Act
      for (const p of pages) await inOrder.receive([p]);
      for (const p of [pages[2]!, pages[0]!, pages[1]!]) await shuffled.receive([p]);

      // Assess
      expect(inOrder.timer(idle)).toMatchObject({ armId: pages[2]!.insertId, dueAt: at('10:40') });
      expect(shuffled.timers.items).toEqual(inOrder.timers.items);
    });

    it('arms nothing for a user outside the audience, and a repeat stops the earlier timer', async () => {
      // Prepare
      const user = new User([{ ...viewedNoCart, audience: { tagsNone: ['never-purchased'] } }]);
      await user.receive([view('10:00')]);
      user.profile = { ...user.profile, tags: ['never-purchased'] };

      // Act
      const { timers } = await user.receive([view('10:10')]);

      // Assess
      expect(timers).toEqual([{ op: 'cancel', userId: 'alice', key: 'viewed-no-cart-coupon#P-1', at: at('10:10') }]);
      expect(user.timers.items.size).toBe(0);
    });

    it('arms nothing for a view that arrives more than the tolerance after its timer was due', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      const now = new Date(Date.parse(at('10:30')) + LATE_EVENT_TOLERANCE_MS + 1);

      // Act
      const { timers, stale } = await user.receive([view('10:00')], now);

      // Assess
      expect(timers).toEqual([]);
      expect(stale).toBe(1);
    });

    it('arms a view that arrives late but within the tolerance, already due', async () => {
      // Prepare
      const user = new User([viewedNoCart]);

      // Act
      await user.receive([view('10:00')], new Date(Date.parse(at('10:30')) + LATE_EVENT_TOLERANCE_MS));

      // Assess
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ dueAt: at('10:30') });
    });

    it('keeps its marks bounded, dropping those no late event can need any more', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      const burst = Array.from({ length: MAX_MARKS_PER_CAMPAIGN + 10 }, (_, i) => cart(`10:${String(i % 60).padStart(2, '0')}:00.${String(i).padStart(3, '0')}`, `P-${i}`));
      await user.receive(burst);
      const bounded = structuredClone(user.profile.triggers.timers[viewedNoCart.id]);

      // Act: a day and a half later, nothing is worth keeping (the view itself is stale by then)
      await user.receive([view('10:00', 'P-1')], new Date(NOW.getTime() + 36 * HOUR));

      // Assess
      expect(bounded?.completions).toHaveLength(MAX_MARKS_PER_CAMPAIGN);
      expect(user.profile.triggers.timers[viewedNoCart.id]).toBeUndefined();
    });

    it('ends with the same timers whatever the arrival order and batching', async () => {
      const products = ['P-1', 'P-2', 'P-3'];
      const arbitraryEvent = fc.record({
        kind: fc.constantFrom<'view' | 'cart'>('view', 'cart'),
        product: fc.constantFrom(...products),
        // All within one window, so in order no timer would have fired before the last event
        offsetMs: fc.integer({ min: 0, max: 25 * MINUTE }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbitraryEvent, { minLength: 1, maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 12 }),
          async (specs, order, batchSizes) => {
            // Prepare
            const events = specs.map(({ kind, product, offsetMs }) =>
              (kind === 'view' ? view : cart)(plus(at('10:00'), offsetMs).slice(11, 23), product),
            );
            const inOrder = new User([viewedNoCart]);
            const shuffled = new User([viewedNoCart]);
            const arrival = shuffle(events, order);

            // Act
            for (const e of [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.insertId < b.insertId ? -1 : 1))) await inOrder.receive([e]);
            for (const batch of batches(arrival, batchSizes)) await shuffled.receive(batch);

            // Assess
            expect(shuffled.timers.items).toEqual(inOrder.timers.items);
            expect(new Map([...inOrder.timers.items].map(([id, t]) => [id, t.armId]))).toEqual(expectedTimers(events));
          },
        ),
        { numRuns: 300, seed: 20261122 },
      );
    });
  });

  describe('after a delay', () => {
    it('arms a timer 24 h after a purchase, which a repeat purchase moves', async () => {
      // Prepare
      const user = new User([relatedAfterPurchase]);
      const first = purchase('10:00', 'order-1');
      const second = purchase('11:00', 'order-2');

      // Act
      await user.receive([first]);
      const armed = user.timer(relatedAfterPurchase);
      await user.receive([second]);

      // Assess
      expect(armed).toMatchObject({
        dueAt: plus(first.timestamp, DAY),
        intent: { messageId: idFor(relatedAfterPurchase, first), context: { purchasedProductIds: ['P-7', 'P-8'], orderId: 'order-1' } },
      });
      expect(user.timer(relatedAfterPurchase)).toMatchObject({ armId: second.insertId, dueAt: plus(second.timestamp, DAY) });
    });

    it('keeps one timer per order with correlateOn', async () => {
      // Prepare
      const perOrder = { ...relatedAfterPurchase, trigger: { ...relatedAfterPurchase.trigger, correlateOn: 'orderId' } };
      const user = new User([perOrder]);

      // Act
      await user.receive([purchase('10:00', 'order-1'), purchase('11:00', 'order-2')]);

      // Assess
      expect([...user.timers.items.values()].map((t) => t.key).sort()).toEqual(['related-products-after-purchase#order-1', 'related-products-after-purchase#order-2']);
    });

    it('moves the comeback timer on every login, whatever order the logins arrive in, and sends on the first channel', async () => {
      // Prepare
      const user = new User([comeback]);
      const latest = login('11:00');

      // Act
      await user.receive([login('09:00'), latest]);
      await user.receive([login('10:00')]);

      // Assess
      expect(user.timers.items.size).toBe(1);
      expect(user.timer(comeback)).toMatchObject({ armId: latest.insertId, dueAt: plus(latest.timestamp, 3 * DAY), intent: { channel: 'push' } });
    });
  });

  describe('duplicates and replays', () => {
    const all = Object.values(triggerCampaigns);
    const batch = [view('10:00', 'P-1'), view('10:01', 'P-2'), cart('10:02', 'P-2'), page('10:03'), page('10:04'), page('10:05'), purchase('10:06'), login('10:07')];

    it('fire, arm and cancel nothing more when a batch comes again', async () => {
      // Prepare
      const user = new User(all);
      const first = await user.receive(batch);
      const before = { profile: structuredClone(user.profile), timers: structuredClone([...user.timers.items]) };

      // Act
      const replay = await user.receive(batch);
      const duplicates = await user.receive([batch[0]!, batch[3]!, batch[6]!]);

      // Assess
      expect(first.intents.map((i) => i.campaignId).sort()).toEqual(['browsed-three-pages', 'thanks-for-your-order']);
      // The cart of P-2 needs no cancel: the view it completes is in the same batch and does not arm.
      expect(first.timers.map((c) => c.op)).toEqual(['arm', 'arm', 'arm']);
      for (const again of [replay, duplicates]) expect(again).toEqual({ intents: [], timers: [], state: user.profile.triggers, stale: 0 });
      expect(user.profile).toEqual(before.profile);
      expect([...user.timers.items]).toEqual(before.timers);
    });

    it('drops the state of campaigns that are no longer active, keeping a watermark of their newest start', async () => {
      // Prepare
      const user = new User(all);
      await user.receive(batch);
      const deactivated = new User([thanks]);
      deactivated.profile = user.profile;

      // Act
      const { state } = await deactivated.receive([login('10:30')]);
      const later = await deactivated.receive([login('10:31')], new Date(NOW.getTime() + MAX_TIMER_DELAY_MS + LATE_EVENT_TOLERANCE_MS + DAY));

      // Assess
      expect(Object.keys(user.profile.triggers.counts)).toEqual([browsedThree.id]);
      const watermark = (droppedThrough: string) => ({ starts: [], completions: [], droppedThrough });
      expect(state).toEqual({
        counts: {},
        timers: { [viewedNoCart.id]: watermark(at('10:01')), [relatedAfterPurchase.id]: watermark(at('10:06')), [comeback.id]: watermark(at('10:07')) },
      });
      expect(later.state).toEqual({ counts: {}, timers: {} });
    });
  });

  describe('cancels only what may be armed', () => {
    const cancels = (evaluation: TriggerEvaluation) => evaluation.timers.filter((command) => command.op === 'cancel');

    it('sends no cancel for an add_to_cart that no remembered view can have armed a timer for', async () => {
      // Prepare
      const user = new User([viewedNoCart]);

      // Act
      const alone = await user.receive([cart('09:00', 'P-1')]);
      await user.receive([view('10:00', 'P-2')]);
      const otherProduct = await user.receive([cart('10:05', 'P-1')]);
      await user.receive([view('11:00', 'P-3')]);
      const afterTheWindow = await user.receive([cart('11:31', 'P-3')]);

      // Assess
      for (const evaluation of [alone, otherProduct, afterTheWindow]) expect(cancels(evaluation)).toEqual([]);
      expect(user.timer(viewedNoCart, 'P-2')).toBeDefined();
      expect(user.timer(viewedNoCart, 'P-3')).toBeDefined();
    });

    it('cancels when a view of an earlier batch may have armed the timer, at the edges of the window too', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00', 'P-1'), view('10:00', 'P-2')]);

      // Act
      const sameInstant = await user.receive([cart('10:00:00.000', 'P-1')]);
      const lastMoment = await user.receive([cart('10:30', 'P-2')]);

      // Assess
      expect(cancels(sameInstant)).toEqual([{ op: 'cancel', userId: 'alice', key: `${viewedNoCart.id}#P-1`, at: at('10:00') }]);
      expect(cancels(lastMoment)).toHaveLength(1);
      expect(user.timers.items.size).toBe(0);
    });

    it('sends the cancel of a late cart older than a newer view, which the table refuses for the newer arm', async () => {
      // Prepare: the cart of 10:10 arrives first, then the view it completes, then a newer view
      const user = new User([viewedNoCart]);
      await user.receive([cart('10:10', 'P-1')]);
      await user.receive([view('10:00', 'P-1')]);
      const newer = view('10:20', 'P-1');
      await user.receive([newer]);

      // Act: a cart of 10:15 arrives last
      const late = await user.receive([cart('10:15', 'P-1')]);

      // Assess: the 10:00 view may have armed (as far as its marks tell), so the cancel goes; the 10:20 arm stays
      expect(cancels(late)).toHaveLength(1);
      expect(user.timer(viewedNoCart, 'P-1')).toMatchObject({ armId: newer.insertId });
    });

    it('stays exact when the marks were truncated: a cart still cancels the timer of a forgotten view', async () => {
      // Prepare: more views than marks are kept, each of its own product, so each arms a timer
      const user = new User([viewedNoCart]);
      const views = Array.from({ length: MAX_MARKS_PER_CAMPAIGN + 10 }, (_, i) => view(`10:00:${String(i).padStart(2, '0')}.000`, `P-${i}`));
      await user.receive(views);
      const state = user.profile.triggers.timers[viewedNoCart.id]!;

      // Act
      const forgotten = await user.receive([cart('10:10', 'P-0')]);

      // Assess
      expect(state.starts).toHaveLength(MAX_MARKS_PER_CAMPAIGN);
      expect(state.starts.some((mark) => mark.value === 'P-0')).toBe(false);
      expect(state.droppedThrough).toBe(views[9]!.timestamp);
      expect(cancels(forgotten)).toHaveLength(1);
      expect(user.timer(viewedNoCart, 'P-0')).toBeUndefined();
    });

    it('treats a full list of marks written without a watermark (older code) as truncated', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive(Array.from({ length: MAX_MARKS_PER_CAMPAIGN + 10 }, (_, i) => view(`10:00:${String(i).padStart(2, '0')}.000`, `P-${i}`)));
      delete user.profile.triggers.timers[viewedNoCart.id]!.droppedThrough;

      // Act
      const forgotten = await user.receive([cart('10:10', 'P-0')]);

      // Assess
      expect(cancels(forgotten)).toHaveLength(1);
      expect(user.timer(viewedNoCart, 'P-0')).toBeUndefined();
    });

    it('still cancels a timer armed before its campaign was paused and resumed', async () => {
      // Prepare
      const user = new User([viewedNoCart]);
      await user.receive([view('10:00', 'P-1')]);
      const paused = new User([thanks]);
      paused.profile = user.profile;
      await paused.receive([login('10:05')]);
      user.profile = paused.profile;

      // Act
      const resumed = await user.receive([cart('10:10', 'P-1')]);

      // Assess
      expect(cancels(resumed)).toHaveLength(1);
      expect(user.timer(viewedNoCart, 'P-1')).toBeUndefined();
    });

    it('leaves the Timers table as cancelling on every completing event would, whatever the order, batching and truncation', async () => {
      const arbitraryEvent = fc.record({
        kind: fc.constantFrom<'view' | 'cart'>('view', 'view', 'cart'),
        product: fc.constantFrom('P-1', 'P-2', 'P-3'),
        offsetMs: fc.integer({ min: 0, max: 70 * MINUTE }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbitraryEvent, { minLength: 1, maxLength: MAX_MARKS_PER_CAMPAIGN + 30 }),
          fc.array(fc.nat(), { maxLength: 80 }),
          fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 20 }),
          async (specs, order, batchSizes) => {
            // Prepare
            const events = specs.map(({ kind, product, offsetMs }) => (kind === 'view' ? view : cart)(plus(at('10:00'), offsetMs).slice(11, 23), product));
            const user = new User([viewedNoCart]);
            const reference = new InMemoryTimerStore();

            for (const batch of batches(shuffle(events, order), batchSizes)) {
              // Act
              const applied = foldProfile(user.profile, batch).applied;
              const evaluation = await user.receive(batch);
              const everyCart = [...applied]
                .filter((e) => e.type === 'add_to_cart')
                .sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.insertId < b.insertId ? -1 : 1))
                .map((e) => ({ op: 'cancel' as const, userId: 'alice', key: `${viewedNoCart.id}#${e.properties?.productId}`, at: e.timestamp }));
              await reference.apply([...everyCart, ...evaluation.timers.filter((command) => command.op === 'arm')]);

              // Assess
              expect(user.timers.items).toEqual(reference.items);
            }
          },
        ),
        { numRuns: 200, seed: 20261204 },
      );
    });

    it('keeps watermarks as long as the longest delay a campaign may have', () => {
      expect(MAX_TIMER_DELAY_MS).toBe(Math.max(DURATION_LIMITS_MS['/trigger/after'], DURATION_LIMITS_MS['/trigger/unless/within']));
    });
  });
});

/** The timers in-order processing must leave when every event falls within one window: per product, the newest view, unless a cart at or after it. */
const expectedTimers = (events: IngestedEvent[]): Map<string, string> => {
  const expected = new Map<string, string>();
  const products = new Set(events.map((e) => e.properties!.productId!));
  for (const product of products) {
    const mine = events.filter((e) => e.properties!.productId === product);
    const views = mine.filter((e) => e.type === 'product_view').sort((a, b) => a.timestamp.localeCompare(b.timestamp) || (a.insertId < b.insertId ? -1 : 1));
    const newest = views.at(-1);
    if (!newest) continue;
    const completed = mine.some((e) => e.type === 'add_to_cart' && e.timestamp >= newest.timestamp);
    if (!completed) expected.set(`alice\u0000viewed-no-cart-coupon#${product}`, newest.insertId);
  }
  return expected;
};

const shuffle = <T>(items: readonly T[], order: readonly number[]): T[] => {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = (order[i % Math.max(1, order.length)] ?? 0) % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
};

const batches = <T>(items: readonly T[], sizes: readonly number[]): T[][] => {
  const result: T[][] = [];
  for (let start = 0, i = 0; start < items.length; i++) {
    const size = sizes[i % Math.max(1, sizes.length)] ?? items.length;
    result.push(items.slice(start, start + size));
    start += size;
  }
  return result;
};
