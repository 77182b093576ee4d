import { BatchWriteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { subjectTables } from '../../../layers/adapters/subject-tables';
import type { SubjectTable } from '../../../layers/core/compliance/subject-stores';
import { describeWithAws, provisionPipeline, resourceOf, startAwsTarget, type AwsTarget } from '../../helpers/aws-target';

describeWithAws('the data-subject handlers of the provisioned tables', () => {
  let target: AwsTarget;
  let names: Record<SubjectTable, string>;

  beforeAll(async () => {
    target = await startAwsTarget();
    const stack = await provisionPipeline(target, 'subjects-');
    names = {
      profiles: resourceOf(stack, 'Profiles').name,
      consents: resourceOf(stack, 'Consents').name,
      messages: resourceOf(stack, 'Messages').name,
      timers: resourceOf(stack, 'Timers').name,
      experiments: resourceOf(stack, 'Experiments').name,
      kpis: resourceOf(stack, 'Kpis').name,
      inbox: resourceOf(stack, 'Inbox').name,
    };
  });
  afterAll(() => target?.stop());

  const put = (table: SubjectTable, Item: Record<string, unknown>) => target.clients.document.send(new PutCommand({ TableName: names[table], Item }));
  const scan = async (table: SubjectTable) => ((await target.clients.document.send(new ScanCommand({ TableName: names[table] }))).Items ?? []) as Record<string, unknown>[];
  const stores = () => new Map(subjectTables(target.clients.document, names).map((store) => [store.name, store]));

  it('exports and erases the user\'s partition in each table, past one batch, and leaves other users and the counters', async () => {
    // Prepare: 60 decisions (three BatchWriteItem calls), the neighbours of each partition
    const decisions = Array.from({ length: 60 }, (_, i) => ({ PutRequest: { Item: { userId: 'ann', sk: `MSG#m-${String(i).padStart(3, '0')}`, status: 'sent' } } }));
    for (let i = 0; i < decisions.length; i += 25) await target.clients.document.send(new BatchWriteCommand({ RequestItems: { [names.messages]: decisions.slice(i, i + 25) } }));
    await put('messages', { userId: 'bob', sk: 'CAPS', sends: [] });
    await put('profiles', { userId: 'ann', sms: { phoneNumber: { ciphertext: new Uint8Array([1, 2, 3]), masked: '+44••••23' } }, tags: new Set(['vip']) });
    await put('profiles', { userId: 'annabel' });
    await put('experiments', { pk: 'USER#ann', sk: 'EXPOSURE#c-1', arm: 'treatment' });
    await put('experiments', { pk: 'RUN#c-1#r-1', sk: 'ARM#treatment', exposed: 10 });
    await put('kpis', { pk: 'TOUCH#ann', sk: 'm-1', campaignId: 'c-1' });
    await put('kpis', { pk: 'CAMPAIGN#c-1#2026-12-01', sk: 'all', sent: 10 });
    await put('inbox', { userId: 'ann', sk: 'i#2026-12-01T10:00:00.000Z#m-1', title: 'Hello Ann' });
    await put('inbox', { userId: 'bob', sk: 'b#home-top#2026-12-01T10:00:00.000Z#m-2', title: 'Hello Bob' });
    const all = stores();

    // Act
    const profile = await all.get('profiles')!.export('ann');
    const erased = Object.fromEntries(await Promise.all([...all].map(async ([name, store]) => [name, await store.erase('ann')] as const)));
    const again = await Promise.all([...all.values()].map((store) => store.erase('ann')));

    // Assess
    expect(profile).toEqual({
      store: 'profiles',
      items: [{ userId: 'ann', sms: { phoneNumber: '+44••••23 (encrypted)' }, tags: ['vip'] }],
      note: 'phone numbers and push endpoints are held encrypted (only delivery can decrypt them): shown masked',
    });
    expect(erased).toEqual({ profiles: 1, consents: 0, messages: 60, timers: 0, experiments: 1, kpis: 1, inbox: 1 });
    expect(again).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect((await scan('inbox')).map((item) => item.userId)).toEqual(['bob']);
    expect((await scan('messages')).map((item) => item.userId)).toEqual(['bob']);
    expect((await scan('profiles')).map((item) => item.userId)).toEqual(['annabel']);
    expect(await scan('experiments')).toEqual([{ pk: 'RUN#c-1#r-1', sk: 'ARM#treatment', exposed: 10 }]);
    expect(await scan('kpis')).toEqual([{ pk: 'CAMPAIGN#c-1#2026-12-01', sk: 'all', sent: 10 }]);
  });
});
