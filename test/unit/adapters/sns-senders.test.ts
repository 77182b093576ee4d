import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CheckIfPhoneNumberIsOptedOutCommand, EndpointDisabledException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsPushSender } from '../../../layers/adapters/sns-push-sender';
import { classifySnsPublishError } from '../../../layers/adapters/sns-send-errors';
import { SnsSmsOptOuts } from '../../../layers/adapters/sns-sms-opt-outs';
import { SnsSmsSender } from '../../../layers/adapters/sns-sms-sender';
import { SqsRetryDelay } from '../../../layers/adapters/sqs-retry-delay';
import { DeliverySendFailedError, DeliverySendRejectedError } from '../../../layers/core/messaging/errors';

const PHONE = '+447700900123';
const ENDPOINT = 'arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/shop/0c1d';
const metadata = { httpStatusCode: 400, $metadata: {} };

/** SNS push and SMS through a client-level fake: fauxqs does not do `TargetArn` or `PhoneNumber`. */
describe('SNS senders', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it('sends SMS to the phone number, typed by the campaign category', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });

    // Act
    const id = await new SnsSmsSender(new SNSClient({})).send(PHONE, 'Your reward is waiting', 'Transactional');

    // Assess
    expect(id).toBe('sms-1');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: PHONE,
      Message: 'Your reward is waiting',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });

  it('pushes to the platform endpoint with one message per platform', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'push-1' });
    await new SnsPushSender(new SNSClient({})).send(ENDPOINT, '{"default":"hi"}');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({ TargetArn: ENDPOINT, Message: '{"default":"hi"}', MessageStructure: 'json' });
  });

  it('asks the opt-out list', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: PHONE }).resolves({ isOptedOut: true });
    expect(await new SnsSmsOptOuts(new SNSClient({})).isOptedOut(PHONE)).toBe(true);
  });

  it('classifies a disabled endpoint as a rejection for good, without the endpoint in the error', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(new EndpointDisabledException({ message: `Endpoint is disabled: ${ENDPOINT}`, ...metadata }));

    // Act
    const error = await new SnsPushSender(new SNSClient({})).send(ENDPOINT, '{}').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliverySendRejectedError);
    expect(error).toMatchObject({ reason: 'ENDPOINT_DISABLED', code: 'EndpointDisabledException' });
    expect((error as Error).message).not.toContain(ENDPOINT);
  });

  it('classifies throttling as surely not sent', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    const error = await new SnsSmsSender(new SNSClient({})).send(PHONE, 'x', 'Promotional').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliverySendFailedError);
    expect((error as Error).message).not.toContain(PHONE);
  });

  it.each([
    ['a refused connection: surely not sent', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), DeliverySendFailedError],
    ['an opted-out number: rejected for good', Object.assign(new Error('opted out'), { name: 'OptedOutException', $metadata: { httpStatusCode: 400 } }), DeliverySendRejectedError],
  ])('classifies %s', (_case, error, type) => {
    expect(classifySnsPublishError(error)).toBeInstanceOf(type);
  });

  it('leaves a timeout unclassified: the message may have been sent', () => {
    const timeout = Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
    expect(classifySnsPublishError(timeout)).toBe(timeout);
  });
});

describe('SqsRetryDelay', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sets the visibility of a throttled record, looking the queue URL up once', async () => {
    // Prepare
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Intents' });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const delay = new SqsRetryDelay(new SQSClient({}));
    const record = { eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:Intents', receiptHandle: 'rh-1' };

    // Act
    await delay.delay(record, 4_200);
    await delay.delay(record, 99_999_999);

    // Assess
    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toEqual([{ QueueName: 'Intents', QueueOwnerAWSAccountId: '123456789012' }]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout)).toEqual([5, 43_200]);
  });
});
