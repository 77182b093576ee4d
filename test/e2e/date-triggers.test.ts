import { startLocalStack, type LocalStack } from '../../scripts/local-stack/local-stack';
import { TEST_YEAR } from '../helpers/test-calendar';

const MINUTE = 60_000;
/** 02:00 UTC, when the nightly profiles run starts, the day before the birthdays. */
const NIGHT = Date.parse(`${TEST_YEAR}-11-24T02:00:00.000Z`);
const endpointOf = (userId: string) => `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/shop-app/${userId}`;

/**
 * The seed birthday campaign through the local stack: the nightly run arms each user's timer from the
 * `birthday` trait, the sweep fires it at 09:00 in the user's own zone, and deliver sends it once, even
 * though two nights armed it.
 */
describe('a birthday campaign, 09:00 local, on a virtual clock', () => {
  let stack: LocalStack;
  let now = NIGHT - 60 * MINUTE;
  let insertIds = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: () => undefined, clock: () => new Date(now), pollIntervalMs: 50 });
  });
  afterAll(() => stack?.stop());

  const at = async (ms: number) => {
    now = ms;
    await stack.sweepTimers();
    await stack.settle();
  };
  const identify = (userId: string, timeZone: string, birthday: string) => ({
    type: 'identify',
    insertId: `e2e-birthday-${String(++insertIds).padStart(4, '0')}`,
    userId,
    timestamp: new Date(now).toISOString(),
    properties: { timeZone, pushEndpointArn: endpointOf(userId), traits: { birthday }, consent: { tracking: true, push: true } },
  });
  const pushesTo = (userId: string) => stack.emulators.directPublishes.list().filter((p) => p.targetArn === endpointOf(userId));

  it('sends on the day at 09:00 in each user’s zone, once, and not to a user whose birthday is another day', async () => {
    // Prepare
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({ events: [identify('tokyo', 'Asia/Tokyo', '1990-11-25'), identify('london', 'Europe/London', '1985-11-25'), identify('later', 'Europe/London', '1985-12-25')] }),
    });
    expect(response.status).toBe(200);
    await stack.settle();

    // Act: two nightly runs arm the 25th; the sweep runs around each user's 09:00
    now = NIGHT;
    await stack.runNightlyProfiles();
    await at(Date.parse(`${TEST_YEAR}-11-24T23:59:00.000Z`));
    const tokyoEarly = pushesTo('tokyo').length;
    await at(Date.parse(`${TEST_YEAR}-11-25T00:01:00.000Z`));
    const tokyoOnTime = pushesTo('tokyo').length;
    now = NIGHT + 86_400_000;
    await stack.runNightlyProfiles();
    await at(Date.parse(`${TEST_YEAR}-11-25T08:59:00.000Z`));
    const londonEarly = pushesTo('london').length;
    await at(Date.parse(`${TEST_YEAR}-11-25T09:01:00.000Z`));

    // Assess
    expect([tokyoEarly, tokyoOnTime, londonEarly]).toEqual([0, 1, 0]);
    expect(pushesTo('london')).toHaveLength(1);
    expect(JSON.parse(pushesTo('london')[0]!.message).default).toContain('BDAY20');
    expect(pushesTo('tokyo')).toHaveLength(1);
    expect(pushesTo('later')).toHaveLength(0);
  });
});
