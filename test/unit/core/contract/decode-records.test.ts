import { decodeRecords, poisonOf } from '../../../../layers/core/contract/decode-records';
import { encodedRecordFactory, ingestedEventFactory } from '../../../helpers/factories';

describe('decodeRecords', () => {
  it('decodes valid records and parks the rest with a reason', () => {
    // Prepare
    const event = ingestedEventFactory({ type: 'login' });
    const records = [
      encodedRecordFactory(event, '1'),
      encodedRecordFactory('{not json', '2'),
      encodedRecordFactory({ ...event, insertId: 'x' }, '3'),
      encodedRecordFactory({ ...event, receivedAt: undefined }, '4'),
    ];

    // Act
    const { events, poison } = decodeRecords(records);

    // Assess
    expect(events).toEqual([{ sequenceNumber: '1', profileKey: 'user-1', event }]);
    expect(poison.map((p) => [p.sequenceNumber, p.reason])).toEqual([
      ['2', 'UNDECODABLE'],
      ['3', 'SCHEMA_INVALID'],
      ['4', 'SCHEMA_INVALID'],
    ]);
    expect(poison[1]?.errors).toEqual([expect.objectContaining({ path: 'insertId' })]);
  });

  it('gives the records the fold refused back as poison with the record itself, and fails loudly on an unknown one', () => {
    // Prepare
    const records = [encodedRecordFactory(ingestedEventFactory(), '7'), encodedRecordFactory(ingestedEventFactory(), '8')];
    const errors = [{ path: 'properties.items', code: 'INVALID_VALUE' as const, message: 'too large' }];

    // Act
    const poison = poisonOf(records, [{ sequenceNumber: '8', errors }], 'UNUSABLE');

    // Assess
    expect(poison).toEqual([{ ...records[1], reason: 'UNUSABLE', errors }]);
    expect(() => poisonOf(records, [{ sequenceNumber: '9', errors }], 'UNUSABLE')).toThrow('9');
  });

  it('parks what an older producer streamed and the contract now refuses, with the field and code, rather than drop it later', () => {
    // Prepare: accepted before the contract bounded timestamps and zones, or written by another producer
    const login = ingestedEventFactory({ type: 'login', timestamp: '0001-01-01T00:00:00.000Z' });
    const identify = ingestedEventFactory({ type: 'identify', properties: { timeZone: 'Mars/Olympus' } });
    // JSON.stringify writes an Infinity price as null: the type check catches it
    const purchase = { ...ingestedEventFactory({ type: 'purchase' }), properties: { orderId: 'o-1', currency: 'GBP', items: [{ productId: 'P-1', quantity: 1, price: null }] } };

    // Act
    const { events, poison } = decodeRecords([encodedRecordFactory(login, '1'), encodedRecordFactory(identify, '2'), encodedRecordFactory(purchase, '3')]);

    // Assess
    expect(events).toEqual([]);
    expect(poison.map((p) => [p.sequenceNumber, p.reason, p.errors.map((e) => `${e.path} ${e.code}`)])).toEqual([
      ['1', 'SCHEMA_INVALID', ['timestamp OUT_OF_RANGE']],
      ['2', 'SCHEMA_INVALID', ['properties.timeZone UNKNOWN_TIME_ZONE']],
      ['3', 'SCHEMA_INVALID', ['properties.items[0].price WRONG_TYPE']],
    ]);
  });
});
