import type { EventPattern } from '../../../../layers/core/campaigns/campaign';
import { matchesEvent } from '../../../../layers/core/triggers/match-event';
import { ingestedEventFactory } from '../../../helpers/factories';

describe('matchesEvent', () => {
  const view = ingestedEventFactory({ type: 'product_view', properties: { productId: 'P-1', category: 'kitchen', dwellMs: 4000 } });

  it.each<[string, EventPattern, boolean]>([
    ['its type', { type: 'product_view' }, true],
    ['another type', { type: 'add_to_cart' }, false],
    ['one of its types', { type: ['add_to_cart', 'product_view'] }, true],
    ['none of the types', { type: ['add_to_cart', 'purchase'] }, false],
    ['equals', { type: 'product_view', where: { category: { equals: 'kitchen' } } }, true],
    ['equals, another value', { type: 'product_view', where: { category: { equals: 'garden' } } }, false],
    ['equals is strict', { type: 'product_view', where: { dwellMs: { equals: '4000' } } }, false],
    ['in', { type: 'product_view', where: { productId: { in: ['P-9', 'P-1'] } } }, true],
    ['in, not listed', { type: 'product_view', where: { productId: { in: ['P-9'] } } }, false],
    ['gte at the bound', { type: 'product_view', where: { dwellMs: { gte: 4000 } } }, true],
    ['gte above the value', { type: 'product_view', where: { dwellMs: { gte: 4001 } } }, false],
    ['lte at the bound', { type: 'product_view', where: { dwellMs: { lte: 4000 } } }, true],
    ['lte below the value', { type: 'product_view', where: { dwellMs: { lte: 3999 } } }, false],
    ['gte on a text property', { type: 'product_view', where: { category: { gte: 1 } } }, false],
    ['exists', { type: 'product_view', where: { productId: { exists: true } } }, true],
    ['exists: false on a missing property', { type: 'product_view', where: { orderId: { exists: false } } }, true],
    ['a missing property', { type: 'product_view', where: { orderId: { equals: 'o-1' } } }, false],
    ['every condition', { type: 'product_view', where: { category: { equals: 'kitchen' }, dwellMs: { gte: 3000 } } }, true],
    ['every condition, one fails', { type: 'product_view', where: { category: { equals: 'kitchen' }, dwellMs: { gte: 5000 } } }, false],
  ])('%s → %s', (_name, pattern, expected) => {
    // Act & Assess
    expect(matchesEvent(view, pattern)).toBe(expected);
  });

  it('reads nested properties through a dotted field', () => {
    // Prepare
    const identify = ingestedEventFactory({ type: 'identify', properties: { traits: { plan: 'gold', seats: 3 } } });

    // Act & Assess
    expect(matchesEvent(identify, { type: 'identify', where: { 'traits.plan': { equals: 'gold' } } })).toBe(true);
    expect(matchesEvent(identify, { type: 'identify', where: { 'traits.seats': { gte: 4 } } })).toBe(false);
    expect(matchesEvent(identify, { type: 'identify', where: { 'traits.plan.tier': { exists: true } } })).toBe(false);
  });

  it('matches an event without properties only on conditions that allow absence', () => {
    // Prepare
    const login = ingestedEventFactory({ type: 'login' });

    // Act & Assess
    expect(matchesEvent(login, { type: 'login' })).toBe(true);
    expect(matchesEvent(login, { type: 'login', where: { page: { exists: false } } })).toBe(true);
    expect(matchesEvent(login, { type: 'login', where: { page: { in: ['/home'] } } })).toBe(false);
  });
});
