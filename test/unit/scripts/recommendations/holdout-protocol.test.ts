import { evaluateModel, holdoutAt, popularityRanking, popularRecommender, ProtocolViolationError } from '../../../../scripts/recommendations/holdout-protocol';
import { isProductPurchase, itemDescriptions, type RetailPurchase } from '../../../../scripts/recommendations/online-retail-purchases';
import type { RetailLine } from '../../../../scripts/replay/online-retail';

const line = (overrides: Partial<RetailLine> = {}): RetailLine => ({
  InvoiceNo: '536365',
  StockCode: '85123A',
  Description: 'WHITE HANGING HEART T-LIGHT HOLDER',
  Quantity: '6',
  InvoiceDate: '2010-12-01 08:26:00',
  UnitPrice: '2.55',
  CustomerID: '17850',
  Country: 'United Kingdom',
  ...overrides,
});

const purchase = (customerId: string, stockCode: string, invoiceNo: string, invoiceDate: string, description = ''): RetailPurchase => ({
  customerId,
  stockCode,
  invoiceNo,
  invoiceDate,
  description,
});

describe('the issue 6 evaluation protocol', () => {
  it.each<[string, Partial<RetailLine>, boolean]>([
    ['a product bought by a customer', {}, true],
    ['a five-digit code without a letter', { StockCode: '22423' }, true],
    ['no customer', { CustomerID: '' }, false],
    ['a cancellation', { InvoiceNo: 'C536379' }, false],
    ['a returned quantity', { Quantity: '-1' }, false],
    ['a free line', { UnitPrice: '0.0' }, false],
    ['postage', { StockCode: 'POST' }, false],
    ['a four-digit code', { StockCode: '8512A' }, false],
  ])('reads %s as a purchase line: %s', (_name, overrides, expected) => {
    expect(isProductPurchase(line(overrides))).toBe(expected);
  });

  it('takes each item’s most frequent description', () => {
    const purchases = [
      purchase('1', 'A', 'i1', '2011-01-01 10:00:00', 'OLD NAME'),
      purchase('1', 'A', 'i2', '2011-02-01 10:00:00', 'NEW NAME '),
      purchase('2', 'A', 'i3', '2011-02-01 10:00:00', 'NEW NAME'),
      purchase('2', 'B', 'i3', '2011-02-01 10:00:00', ''),
    ];
    expect(itemDescriptions(purchases)).toEqual([{ itemId: 'A', description: 'NEW NAME' }]);
  });

  // c1 buys in both periods, c2 only before the cut, c3 only after.
  const purchases = [
    purchase('c1', 'A', 'i1', '2011-10-31 23:59:00'),
    purchase('c1', 'B', 'i1', '2011-10-31 23:59:00'),
    purchase('c2', 'A', 'i2', '2011-10-02 10:00:00'),
    purchase('c2', 'C', 'i3', '2011-10-03 10:00:00'),
    purchase('c2', 'B', 'i3', '2011-10-03 10:00:00'),
    purchase('c3', 'D', 'i4', '2011-11-02 10:00:00'),
    purchase('c1', 'A', 'i5', '2011-11-01 00:00:00'),
    purchase('c1', 'C', 'i5', '2011-11-01 00:00:00'),
    purchase('c1', 'D', 'i6', '2011-11-05 00:00:00'),
  ];

  it('splits at the cut and evaluates the customers with purchases on both sides', () => {
    // Act
    const holdout = holdoutAt(purchases, '2011-11-01');

    // Assess
    expect(holdout.train).toHaveLength(5);
    expect(holdout.test).toHaveLength(4);
    expect(holdout.customers).toEqual(['c1']);
    expect(holdout.bought.get('c1')).toEqual(new Set(['A', 'B']));
    // A was bought again, so only C and D can be hit
    expect(holdout.relevant.get('c1')).toEqual(new Set(['C', 'D']));
    expect(holdout.catalogue).toEqual(['A', 'B', 'C']);
  });

  it('ranks popularity by distinct train invoices, ties by StockCode', () => {
    // A: i1, i2 → 2; B: i1, i3 → 2; C: i3 → 1
    expect(popularityRanking(holdoutAt(purchases, '2011-11-01').train)).toEqual(['A', 'B', 'C']);
  });

  it('scores the popularity baseline: the most popular items the customer did not buy', () => {
    // Prepare
    const holdout = holdoutAt(purchases, '2011-11-01');

    // Act: c1 bought A and B, so gets C (the only other catalogue item); C is relevant.
    const metrics = evaluateModel(holdout, popularRecommender(popularityRanking(holdout.train)), 10);

    // Assess: hit 1; recall 1/2 (C of {C, D}); NDCG = 1 / (1 + 1/log2 3) = 0.613147; coverage 1 of 3
    expect(metrics).toEqual({ users: 1, hitRate: 1, recall: 0.5, ndcg: expect.closeTo(0.613147, 6), coverage: expect.closeTo(1 / 3, 12) });
  });

  it('stops a model that recommends a bought item or too many', () => {
    const holdout = holdoutAt(purchases, '2011-11-01');
    expect(() => evaluateModel(holdout, () => ['A'], 10)).toThrow(ProtocolViolationError);
    expect(() => evaluateModel(holdout, () => ['C', 'D'], 1)).toThrow('a model returned 2 items, more than 1');
  });
});
