import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnDataRequests, type ReceiptReader } from '../../../layers/adapters/sfn-data-requests';
import type { DataRequestReceipt } from '../../../layers/core/compliance/request-receipt';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:DataRequest';
const receipt = (requestId: string, requestedAt: string): DataRequestReceipt => ({
  requestId,
  kind: 'erase',
  status: 'succeeded',
  requestedAt,
  stores: [],
  target: 'user:abc',
  requestedBy: 'arn:aws:iam::123456789012:user/dpo',
});

describe('SfnDataRequests', () => {
  const setup = (receipts: DataRequestReceipt[] = []) => {
    const client = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const mock = mockClient(client);
    const reader: ReceiptReader = {
      receipt: async (id) => receipts.find((r) => r.requestId === id),
      receipts: async function* () {
        yield* receipts;
      },
    };
    return { mock, requests: new SfnDataRequests(client, MACHINE, reader, () => 'req-new') };
  };

  it('starts an execution named by the request, and starting it again is no error', async () => {
    const { mock, requests } = setup();
    mock.on(StartExecutionCommand).resolvesOnce({}).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    expect(await requests.start({ kind: 'erase', userId: 'ann', requestedBy: 'dpo' })).toEqual({ requestId: 'req-new' });
    expect(await requests.start({ kind: 'erase', userId: 'ann', requestedBy: 'dpo', requestId: 'req-new' })).toEqual({ requestId: 'req-new' });
    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: MACHINE, name: 'req-new', input: '{"kind":"erase","userId":"ann","requestedBy":"dpo","aliases":[]}' });
  });

  it('answers with the receipt once there is one, with the execution while it runs, and nothing for an unknown id', async () => {
    const { mock, requests } = setup([receipt('req-done', '2026-12-01T00:00:00.000Z')]);
    mock.on(DescribeExecutionCommand, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:DataRequest:req-running' }).resolves({
      status: 'RUNNING',
      startDate: new Date('2026-12-02T00:00:00.000Z'),
      input: '{"kind":"export","userId":"ann"}',
    });
    mock.on(DescribeExecutionCommand, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:DataRequest:req-unknown' }).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));

    expect(await requests.status('req-done')).toMatchObject({ status: 'succeeded' });
    const running = await requests.status('req-running');
    expect(running).toEqual({ requestId: 'req-running', kind: 'export', status: 'running', requestedAt: '2026-12-02T00:00:00.000Z', stores: [] });
    expect(JSON.stringify(running)).not.toContain('ann');
    expect(await requests.status('req-unknown')).toBeUndefined();
  });

  it('lists the receipts of a period, oldest first', async () => {
    const { requests } = setup([receipt('b', '2026-11-02T00:00:00.000Z'), receipt('a', '2026-10-30T00:00:00.000Z'), receipt('c', '2026-12-01T00:00:00.000Z'), receipt('d', '2026-10-01T00:00:00.000Z')]);
    expect((await requests.list({ from: '2026-10-15', to: '2026-12-01' })).map((r) => r.requestId)).toEqual(['a', 'b']);
  });
});
