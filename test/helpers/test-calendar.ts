/**
 * The calendar of the integration and end-to-end tests' virtual clocks.
 *
 * Those tests write to DynamoDB Local, whose TTL thread deletes items whose `expiresAt` is in the past
 * of the **wall** clock, while the pipeline computes `expiresAt` from the injected (virtual) clock. A
 * virtual clock fixed on a date ages into the past and its timers, ledger entries and exposures start
 * vanishing mid-test: a time bomb. So every virtual date of those tests is in {@link TEST_YEAR}, the
 * year after the wall clock's: always in the future (by 1 to 2 years), whatever day the suite runs,
 * and the same month, day and time of day every year, so expectations that depend on them (quiet hours
 * and DST in late November in Auckland, London, Tokyo) hold every year. Tests may not depend on the
 * weekday (it moves from year to year).
 *
 * Unit tests keep literal dates: the pure core never reads the wall clock, so nothing there can expire.
 * `test/unit/test-calendar.test.ts` keeps literal years out of the integration and e2e tests.
 */
export const TEST_YEAR = new Date().getUTCFullYear() + 1;

