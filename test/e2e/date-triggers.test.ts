import { TEST_YEAR } from '../helpers/test-calendar';
import { endpointOf, virtualClockStack } from '../helpers/virtual-clock-stack';

const HOUR = 3_600_000;
/** 02:00 UTC, when the nightly profiles run starts, the day before the birthdays. */
const NIGHT = Date.parse(`${TEST_YEAR}-11-24T02:00:00.000Z`);
const utc = (time: string) => Date.parse(`${TEST_YEAR}-11-${time}:00.000Z`);

/**
 * The seed birthday campaign through the local stack: the nightly run arms each user's timer from the
 * `birthday` trait, the sweep fires it at 09:00 in the user's own zone, and deliver sends it once, even
 * though two nights armed it.
 */
describe('a birthday campaign, 09:00 local, on a virtual clock', () => {
  const harness = virtualClockStack(NIGHT - HOUR);
  const { event, post, pushesTo, at } = harness;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const identify = (userId: string, timeZone: string, birthday: string) =>
    event({ userId }, 'identify', { timeZone, pushEndpointArn: endpointOf(userId), traits: { birthday }, consent: { tracking: true, push: true } });

  it('sends on the day at 09:00 in each user’s zone, once, and not to a user whose birthday is another day', async () => {
    // Prepare
    expect(await post(identify('tokyo', 'Asia/Tokyo', '1990-11-25'), identify('london', 'Europe/London', '1985-11-25'), identify('later', 'Europe/London', '1985-12-25'))).toMatchObject({ status: 200 });

    // Act: two nightly runs arm the 25th; the sweep runs around each user's 09:00
    harness.setNow(NIGHT);
    await harness.stack.runNightlyProfiles();
    await at(utc('24T23:59'));
    const tokyoEarly = pushesTo('tokyo').length;
    await at(utc('25T00:01'));
    const tokyoOnTime = pushesTo('tokyo').length;
    harness.setNow(NIGHT + 24 * HOUR);
    await harness.stack.runNightlyProfiles();
    await at(utc('25T08:59'));
    const londonEarly = pushesTo('london').length;
    await at(utc('25T09:01'));

    // Assess
    expect([tokyoEarly, tokyoOnTime, londonEarly]).toEqual([0, 1, 0]);
    expect(pushesTo('london')).toHaveLength(1);
    expect(pushesTo('london')[0]).toContain('BDAY20');
    expect(pushesTo('tokyo')).toHaveLength(1);
    expect(pushesTo('later')).toHaveLength(0);
  });
});
