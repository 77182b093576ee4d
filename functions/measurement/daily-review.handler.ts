import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../layers/adapters/dynamo-campaign-store';
import { DynamoKpiStore } from '../../layers/adapters/dynamo-kpi-store';
import { S3Objects } from '../../layers/adapters/s3-objects';
import { SnsNotices } from '../../layers/adapters/sns-notices';
import { systemClock, type Clock } from '../../layers/core/clock';
import { buildDailyReview, shiftDay } from '../../layers/core/kpis/daily-review';
import { utcDaysCovering } from '../../layers/core/kpis/kpi-report';
import { renderDailyReview } from '../../layers/core/kpis/review-report';
import { createAwsClients } from '../../layers/runtime/aws-clients';
import type { Environment } from '../../layers/runtime/config';
import { DAILY_REVIEW_CONFIG } from '../../layers/runtime/function-configs';
import { lazyHandler } from '../../layers/runtime/lazy-handler';
import { createObservability } from '../../layers/runtime/powertools';
import { withObservability } from '../../layers/runtime/with-observability';

export interface DailyReviewOverrides {
  dynamo?: DynamoDBDocumentClient;
  s3?: S3Client;
  sns?: SNSClient;
  clock?: Clock;
}

/**
 * Every morning (09:00 in KPI_TIME_ZONE by default): the review of yesterday, a local day there, written
 * as `reviews/<day>.html` to the Reports bucket and announced with its headline figures on the Reviews
 * topic (people subscribe by email). Rerunning it for a day writes the same page again.
 */
export const createDailyReviewHandler = (env: Environment, overrides: DailyReviewOverrides = {}) => {
  const config = DAILY_REVIEW_CONFIG.parse(env);
  const observability = createObservability('daily-review');
  const { logger, metrics } = observability;
  const clients = createAwsClients(observability.tracer);
  const dynamo = overrides.dynamo ?? clients.dynamo();
  const kpis = new DynamoKpiStore(dynamo, config.KPIS_TABLE_NAME);
  const campaignStore = new DynamoCampaignStore(dynamo, config.CAMPAIGNS_TABLE_NAME);
  const reports = new S3Objects(overrides.s3 ?? clients.s3(), config.REPORTS_BUCKET_NAME);
  const reviews = new SnsNotices(overrides.sns ?? clients.sns(), config.REVIEWS_TOPIC_ARN);
  const clock = overrides.clock ?? systemClock;
  const timeZone = config.KPI_TIME_ZONE;

  return withObservability(async (event?: { day?: string }) => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(clock());
    const day = event?.day && /^\d{4}-\d{2}-\d{2}$/.test(event.day) ? event.day : shiftDay(today, -1);
    const utcDays = utcDaysCovering(shiftDay(day, -7), day);
    const campaigns = (await campaignStore.list()).map((stored) => stored.campaign);
    const [counters, behaviour, feedback] = await Promise.all([
      Promise.all(campaigns.map((c) => kpis.counters(c.id, utcDays))).then((rows) => rows.flat()),
      kpis.behaviour(utcDays),
      kpis.feedback(utcDays.slice(-3)),
    ]);
    const review = buildDailyReview({ day, timeZone, campaigns, counters, behaviour, feedback, costs: config.KPI_COSTS });
    const key = `reviews/${day}.html`;
    await reports.write(key, renderDailyReview(review), 'text/html; charset=utf-8');
    const location = `s3://${config.REPORTS_BUCKET_NAME}/${key}`;
    await reviews.publish(`Daily review ${day}`, headline(review, location));
    metrics.addMetric('DailyReviews', MetricUnit.Count, 1);
    logger.info('daily review written', { day, key, campaigns: campaigns.length });
    return { day, location };
  }, observability);
};

/** The email's text: the figures people look for first, and where the page is. */
const headline = (review: ReturnType<typeof buildDailyReview>, location: string): string => {
  const pct = (r: number | undefined) => (r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
  const lines = review.campaigns.map(
    (c) => `- ${c.campaignId}: sent ${c.yesterday.sent}, conversion ${pct(c.conversionRate.yesterday)} (7-day ${pct(c.conversionRate.sevenDayAverage)}${c.conversionRate.goal !== undefined ? `, goal ${pct(c.conversionRate.goal)}` : ''}), CTR ${pct(c.ctr.yesterday)}`,
  );
  const { feedback } = review;
  return [`Daily review of ${review.day} (${review.timeZone})`, ...lines, `Feedback: ${feedback.total} (${feedback.bySentiment.positive} positive, ${feedback.bySentiment.neutral} neutral, ${feedback.bySentiment.negative} negative)`, `Full review: ${location}`].join('\n');
};

export const handler = lazyHandler(() => createDailyReviewHandler(process.env));
