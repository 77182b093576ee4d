import { describe as describeStatus, runDsr, USAGE } from '../../../scripts/dsr/dsr-cli';

describe('npm run dsr', () => {
  it('prints its usage for anything but export, erase or status with an id', async () => {
    const target = { baseUrl: 'http://127.0.0.1:1/', region: 'us-east-1', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), local: true };
    for (const argv of [[], ['export'], ['delete', 'u1']]) expect(await runDsr(argv, { target })).toEqual({ lines: [USAGE], exitCode: 2 });
  });

  it('shows a request store by store, without the user', () => {
    const lines = describeStatus({
      requestId: 'r-1',
      kind: 'erase',
      status: 'succeeded',
      requestedAt: '2026-12-01T09:00:00.000Z',
      completedAt: '2026-12-01T09:03:00.000Z',
      stores: [
        { store: 'archive', outcome: 'erased', items: 8 },
        { store: 'personalize', outcome: 'exempt', detail: 'Amazon Personalize is not configured for this deployment' },
      ],
    });
    expect(lines).toEqual([
      'request r-1: erase, succeeded; asked 2026-12-01T09:00:00.000Z, done 2026-12-01T09:03:00.000Z',
      '  store                outcome    items',
      '  archive              erased         8',
      '  personalize          exempt            Amazon Personalize is not configured for this deployment',
    ]);
  });
});
