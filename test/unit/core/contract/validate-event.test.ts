import { validateEvent } from '../../../../layers/core/contract/validate-event';
import { eventFactory } from '../../../helpers/factories';

describe('validateEvent', () => {
  it.each(['app_open', 'login', 'page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase', 'push_open', 'sms_click', 'identify'] as const)(
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

  it('rejects an unknown event type', () => {
    // Act
    const result = validateEvent(eventFactory({ type: 'teleport' as never }));

    // Assess
    expect(!result.ok && result.errors).toEqual([expect.objectContaining({ path: 'type', code: 'INVALID_VALUE' })]);
  });
});
