import { decodeRecords } from '../../../../layers/core/contract/decode-records';
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
});
