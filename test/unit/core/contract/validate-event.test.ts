import { validateEvent } from '../../../../layers/core/contract/validate-event';
import { eventFactory } from '../../../helpers/factories';

describe('validateEvent', () => {
  it.each(['app_open', 'login', 'page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase', 'push_open', 'sms_click', 'feedback', 'identify'] as const)(
    'accepts a well-formed %s event',
    (type) => {
      // Act
      const result = validateEvent(eventFactory({ type }));

      // Assess
      expect(result).toEqual({ ok: true, value: expect.objectContaining({ type }) });
    },
  );

  it('names every bad field with a path and a code', () => {
    // Prepare
    const event = {
      ...eventFactory({ type: 'purchase' }),
      timestamp: 'yesterday',
      properties: { orderId: 'o-1', currency: 'pounds', items: [{ productId: 'P-1', quantity: 0, price: 'free' }] },
      colour: 'blue',
    };

    // Act
    const result = validateEvent(event);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'colour', code: 'UNKNOWN_FIELD' }),
        expect.objectContaining({ path: 'timestamp', code: 'INVALID_FORMAT' }),
        expect.objectContaining({ path: 'properties.currency', code: 'INVALID_VALUE' }),
        expect.objectContaining({ path: 'properties.items[0].quantity', code: 'INVALID_VALUE' }),
        expect.objectContaining({ path: 'properties.items[0].price', code: 'WRONG_TYPE' }),
      ]),
    );
  });

  it('takes an E.164 phone number on identify and names a bad one', () => {
    // Act
    const good = validateEvent(eventFactory({ type: 'identify', properties: { phoneNumber: '+447700900123', consent: { sms: true } } }));
    const bad = validateEvent(eventFactory({ type: 'identify', properties: { phoneNumber: '07700 900123' } }));

    // Assess
    expect(good.ok).toBe(true);
    expect(!bad.ok && bad.errors).toEqual([expect.objectContaining({ path: 'properties.phoneNumber' })]);
  });

  describe('feedback', () => {
    const feedback = (properties: Record<string, unknown>) => ({ ...eventFactory({ type: 'feedback' }), properties });

    it('accepts a rating with its text, placement and the message it answers', () => {
      // Prepare
      const event = feedback({ rating: 5, text: '很好用，发货很快', placement: 'push', messageId: 'm-1', campaignId: 'related-products-after-purchase' });

      // Act & Assess
      expect(validateEvent(event)).toEqual({ ok: true, value: event });
    });

    it.each([
      ['0', 0, 'INVALID_VALUE'],
      ['6', 6, 'INVALID_VALUE'],
      ['4.5', 4.5, 'WRONG_TYPE'],
      ['"5"', '5', 'WRONG_TYPE'],
    ])('rejects the rating %s as %s at properties.rating', (_, rating, code) => {
      // Act
      const result = validateEvent(feedback({ rating, placement: 'push' }));

      // Assess
      expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ path: 'properties.rating', code })] });
    });

    it('names a missing rating and placement, a placement that is not a slug and a text over 2,000 characters', () => {
      // Act
      const missing = validateEvent(feedback({ text: 'ok' }));
      const bad = validateEvent(feedback({ rating: 3, placement: 'Order Confirmation', text: 'x'.repeat(2001) }));

      // Assess
      expect(!missing.ok && missing.errors.map(({ path, code }) => ({ path, code }))).toEqual([
        { path: 'properties.rating', code: 'MISSING_FIELD' },
        { path: 'properties.placement', code: 'MISSING_FIELD' },
      ]);
      expect(!bad.ok && bad.errors.map(({ path, code }) => ({ path, code }))).toEqual(
        expect.arrayContaining([
          { path: 'properties.placement', code: 'INVALID_VALUE' },
          { path: 'properties.text', code: 'INVALID_VALUE' },
        ]),
      );
    });
  });

  it('reports a missing required field by its path', () => {
    // Act
    const result = validateEvent({ type: 'product_view', insertId: 'evt-000001', userId: 'u', timestamp: '2026-11-22T10:00:00Z', properties: {} });

    // Assess
    expect(!result.ok && result.errors).toEqual([{ path: 'properties.productId', code: 'MISSING_FIELD', message: 'is required' }]);
  });

  it('asks for an identity when neither userId nor anonymousId is given', () => {
    // Prepare
    const { userId: _omitted, ...anonymous } = eventFactory();

    // Act
    const result = validateEvent(anonymous);

    // Assess
    expect(!result.ok && result.errors).toEqual([{ path: '', code: 'MISSING_IDENTITY', message: 'must have userId or anonymousId' }]);
  });

  it('accepts an anonymous event', () => {
    // Prepare
    const { userId: _omitted, ...event } = eventFactory();

    // Act & Assess
    expect(validateEvent({ ...event, anonymousId: 'device-1' }).ok).toBe(true);
  });

  it('rejects an event type that is neither standard nor a custom event’s name', () => {
    // Act
    const result = validateEvent(eventFactory({ type: 'Teleport!' as never }));

    // Assess
    expect(!result.ok && result.errors).toEqual([expect.objectContaining({ path: 'type', code: 'INVALID_VALUE' })]);
  });

  describe('values that would be accepted and then never reach the profile', () => {
    const purchase = (price: number) => ({
      ...eventFactory({ type: 'purchase' }),
      properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: 'P-1', quantity: 1, price }] },
    });

    it.each([
      ['a price that overflowed to Infinity (1e999 in the JSON)', JSON.parse('1e999') as number],
      ['a negative infinity', -Infinity],
      ['a price beyond what the profile store writes exactly (2^53)', 2 ** 53],
      ['a price of 1e20', 1e20],
      ['a price below DynamoDB’s smallest magnitude', 1e-131],
    ])('rejects %s as OUT_OF_RANGE at its path', (_, price) => {
      // Act
      const result = validateEvent(purchase(price));

      // Assess
      expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ path: 'properties.items[0].price', code: 'OUT_OF_RANGE' })] });
    });

    it('rejects a non-finite number where the schema takes any value (traits)', () => {
      // Prepare
      const identify = eventFactory({ type: 'identify' });
      const event = { ...identify, properties: { ...(identify.properties as object), traits: { lifetimeValue: Infinity, tiers: [1, NaN] } } };

      // Act
      const result = validateEvent(event);

      // Assess
      expect(!result.ok && result.errors.map(({ path, code }) => ({ path, code }))).toEqual([
        { path: 'properties.traits.lifetimeValue', code: 'OUT_OF_RANGE' },
        { path: 'properties.traits.tiers[1]', code: 'OUT_OF_RANGE' },
      ]);
    });

    it('keeps 0 and ordinary prices', () => {
      expect(validateEvent(purchase(0)).ok).toBe(true);
      expect(validateEvent(purchase(12.5)).ok).toBe(true);
      expect(validateEvent(purchase(Number.MAX_SAFE_INTEGER)).ok).toBe(true);
    });

    it.each(['Mars/Olympus', '+01:00', 'GMT+1', 'Europe/', '', 'a'.repeat(65)])('rejects the time zone %j as UNKNOWN_TIME_ZONE', (timeZone) => {
      // Prepare
      const identify = eventFactory({ type: 'identify' });

      // Act
      const result = validateEvent({ ...identify, properties: { ...(identify.properties as object), timeZone } });

      // Assess
      expect(!result.ok && result.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'properties.timeZone', code: expect.stringMatching(/UNKNOWN_TIME_ZONE|INVALID_VALUE/) })]));
      if (timeZone !== '' && timeZone.length <= 64) expect(!result.ok && result.errors[0]?.code).toBe('UNKNOWN_TIME_ZONE');
    });

    it.each(['Europe/London', 'UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'America/Argentina/ComodRivadavia'])('accepts the IANA zone %s', (timeZone) => {
      const identify = eventFactory({ type: 'identify' });
      expect(validateEvent({ ...identify, properties: { ...(identify.properties as object), timeZone } }).ok).toBe(true);
    });

    it.each(['0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '1999-12-31T23:59:59+00:00', '2000-01-01T00:30:00+01:00'])(
      'rejects the timestamp %s, before 2000-01-01T00:00:00Z, as OUT_OF_RANGE',
      (timestamp) => {
        // Act
        const result = validateEvent(eventFactory({ timestamp }));

        // Assess
        expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ path: 'timestamp', code: 'OUT_OF_RANGE' })] });
      },
    );

    it.each(['2000-01-01T00:00:00Z', '2010-12-01T08:26:00Z'])('accepts the timestamp %s (historical imports are fine)', (timestamp) => {
      expect(validateEvent(eventFactory({ timestamp })).ok).toBe(true);
    });
  });
});
