import { DynamoConsentReceipts } from '../../../layers/adapters/dynamo-consent-receipts';
import { receiptsOf } from '../../../layers/core/consent/consent-statements';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';
import { ingestedEventFactory, trackingGrantFactory } from '../../helpers/factories';
import { TEST_YEAR } from '../../helpers/test-calendar';

const at = (time: string) => `${TEST_YEAR}-11-22T${time}:00.000Z`;

describeWithAws('DynamoConsentReceipts against the provisioned Consents table', () => {
  let target: AwsTarget;
  let receipts: DynamoConsentReceipts;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'consents-');
    receipts = new DynamoConsentReceipts(target.clients.document, resourceOf(stack, 'Consents').name);
  });
  afterAll(() => target?.stop());

  it('keeps one receipt per statement and purpose, the first one on a replay, oldest statement first', async () => {
    // Prepare
    const identify = ingestedEventFactory({ userId: 'ida', type: 'identify', insertId: 'identify-1', timestamp: at('09:00'), properties: { consent: { tracking: true, sms: false, version: 'privacy-0' } } });
    const withdrawal = trackingGrantFactory({ userId: 'ida', insertId: 'consent-2', timestamp: at('10:00'), properties: { purposes: { tracking: false }, source: 'settings' } });

    // Act
    const first = await receipts.record('ida', [...receiptsOf(withdrawal), ...receiptsOf(identify)]);
    const replay = await receipts.record('ida', receiptsOf({ ...identify, receivedAt: at('11:00') }));

    // Assess
    expect([first.written, replay.written]).toEqual([3, 0]);
    expect(await receipts.history('ida')).toEqual([
      { userId: 'ida', receipt: `${at('09:00')}#sms#identify-1`, purpose: 'sms', granted: false, at: at('09:00'), source: 'identify', version: 'privacy-0', insertId: 'identify-1', recordedAt: identify.receivedAt },
      { userId: 'ida', receipt: `${at('09:00')}#tracking#identify-1`, purpose: 'tracking', granted: true, at: at('09:00'), source: 'identify', version: 'privacy-0', insertId: 'identify-1', recordedAt: identify.receivedAt },
      { userId: 'ida', receipt: `${at('10:00')}#tracking#consent-2`, purpose: 'tracking', granted: false, at: at('10:00'), source: 'settings', insertId: 'consent-2', recordedAt: withdrawal.receivedAt },
    ]);
  });

  it('reads an empty history for a user who never stated anything', async () => {
    expect(await receipts.history('nobody')).toEqual([]);
  });
});
