-- Campaign funnel per campaign × channel × variant × UTC day: what the pipeline decided, what reached the
-- user, and what followed (opens, conversions, revenue), for sends and for the global holdout alike.
--
-- Trino SQL (Athena engine 3). The same file runs on DuckDB locally (npm run query -- funnel): see
-- docs/measurement.md, "SQL analytics", for the placeholders and the DuckDB compatibility macros.
--   {{events}}, {{decisions}}  the tables
--   {{from}}, {{to}}           first and last UTC day reported, 'YYYY-MM-DD'
--   {{window_hours}}           attribution window in hours (72 = 3 days)
--   {{window_days}}            the window in whole days, rounded up (partition bounds only)
--
-- Each number is counted on the UTC day it happened:
--   triggered, sent, held, suppressed  day the decision counts (funnelAt: the send slot, else decidedAt,
--                                      else the publish time `at`), like the Kpis counters
--   opened                             day of the message's earliest push_open / sms_click
--   converted, held_converted          day of the earliest purchase in the window
--   revenue, held_revenue              day of each purchase in the window
-- so the partitions read start window + 1 day before {{from}} (decisions whose window reaches into
-- the range) and end window + 1 day after {{to}} (events that reach the archive late).
WITH
decisions_read AS (
  SELECT
    messageid AS message_id,
    userid AS user_id,
    campaignid AS campaign_id,
    -- The counters' channel, variant and time (funnelChannel...: the same cell as the Kpis table).
    coalesce(funnelchannel, channel) AS channel,
    status,
    reason,
    coalesce(funnelvariant, variant, '-') AS variant,
    from_iso8601_timestamp(coalesce(funnelat, decidedat, "at")) AS decided_at,
    row_number() OVER (PARTITION BY messageid ORDER BY coalesce(decidedat, "at")) AS copy
  FROM {{decisions}}
  WHERE day BETWEEN replace(CAST(CAST(CAST({{from}} AS date) - INTERVAL '1' DAY * ({{window_days}} + 1) AS date) AS varchar), '-', '/')
                AND replace(CAST(CAST(CAST({{to}} AS date) + INTERVAL '1' DAY AS date) AS varchar), '-', '/')
    -- Final decisions only: a deferred message is decided again later under the same message id.
    AND status IN ('sent', 'unconfirmed', 'suppressed')
),
-- One decision per message id: SNS and Firehose deliver at least once.
final_decisions AS (
  SELECT message_id, user_id, campaign_id, channel, status, reason, variant, decided_at
  FROM decisions_read
  WHERE copy = 1
),
events_read AS (
  SELECT
    "type" AS event_type,
    insertid AS insert_id,
    coalesce(userid, anonymousid) AS user_id,
    properties,
    from_iso8601_timestamp("timestamp") AS event_at,
    row_number() OVER (PARTITION BY coalesce(userid, anonymousid), insertid ORDER BY receivedat) AS copy
  FROM {{events}}
  WHERE day BETWEEN replace(CAST(CAST(CAST({{from}} AS date) - INTERVAL '1' DAY * ({{window_days}} + 1) AS date) AS varchar), '-', '/')
                AND replace(CAST(CAST(CAST({{to}} AS date) + INTERVAL '1' DAY * ({{window_days}} + 1) AS date) AS varchar), '-', '/')
    AND "type" IN ('purchase', 'push_open', 'sms_click')
),
-- One event per insertId, as the pipeline folds them (a retried batch archives an event twice).
unique_events AS (
  SELECT event_type, insert_id, user_id, properties, event_at FROM events_read WHERE copy = 1
),
first_opens AS (
  SELECT json_extract_scalar(properties, '$.messageId') AS message_id, min(event_at) AS opened_at
  FROM unique_events
  WHERE event_type IN ('push_open', 'sms_click')
  GROUP BY json_extract_scalar(properties, '$.messageId')
),
-- Each purchase with its amount: the sum of price × quantity over its items.
purchases AS (
  SELECT p.insert_id, p.user_id, p.event_at,
         sum(CAST(json_extract_scalar(p.properties, concat('$.items[', CAST(i.n AS varchar), '].price')) AS double)
           * CAST(json_extract_scalar(p.properties, concat('$.items[', CAST(i.n AS varchar), '].quantity')) AS double)) AS amount
  FROM unique_events p
  CROSS JOIN UNNEST(sequence(0, greatest(coalesce(json_array_length(json_extract(p.properties, '$.items')), 0), 1) - 1)) AS i (n)
  WHERE p.event_type = 'purchase'
  GROUP BY p.insert_id, p.user_id, p.event_at
),
-- Sends and holdouts: the decisions whose purchases are attributed.
attributable AS (
  SELECT d.*, CASE WHEN d.status = 'suppressed' THEN 'held' ELSE 'sent' END AS arm
  FROM final_decisions d
  WHERE d.status IN ('sent', 'unconfirmed') OR d.reason = 'HOLDOUT'
),
-- Every (decision, purchase) pair with the purchase in [decidedAt, decidedAt + window]: a purchase
-- counts once for each message whose window holds it.
attributed AS (
  SELECT a.message_id, a.campaign_id, a.channel, a.variant, a.arm, p.event_at AS purchased_at, p.amount
  FROM attributable a
  JOIN purchases p
    ON p.user_id = a.user_id
   AND p.event_at >= a.decided_at
   AND p.event_at <= a.decided_at + INTERVAL '1' HOUR * {{window_hours}}
),
facts AS (
  SELECT campaign_id, channel, variant, CAST(decided_at AT TIME ZONE 'UTC' AS date) AS day,
         1 AS triggered,
         CASE WHEN status IN ('sent', 'unconfirmed') THEN 1 ELSE 0 END AS sent,
         CASE WHEN reason = 'HOLDOUT' THEN 1 ELSE 0 END AS held,
         CASE WHEN status = 'suppressed' AND reason <> 'HOLDOUT' THEN 1 ELSE 0 END AS suppressed,
         0 AS opened, 0 AS converted, 0e0 AS revenue, 0 AS held_converted, 0e0 AS held_revenue
  FROM final_decisions
  UNION ALL
  -- An open counts within the window after its send, like a conversion; none counts twice.
  SELECT a.campaign_id, a.channel, a.variant, CAST(o.opened_at AT TIME ZONE 'UTC' AS date),
         0, 0, 0, 0, 1, 0, 0e0, 0, 0e0
  FROM attributable a
  JOIN first_opens o ON o.message_id = a.message_id
  WHERE a.arm = 'sent' AND o.opened_at <= a.decided_at + INTERVAL '1' HOUR * {{window_hours}}
  UNION ALL
  SELECT campaign_id, channel, variant, CAST(min(purchased_at) AT TIME ZONE 'UTC' AS date),
         0, 0, 0, 0, 0,
         CASE WHEN arm = 'sent' THEN 1 ELSE 0 END, 0e0,
         CASE WHEN arm = 'held' THEN 1 ELSE 0 END, 0e0
  FROM attributed
  GROUP BY message_id, campaign_id, channel, variant, arm
  UNION ALL
  SELECT campaign_id, channel, variant, CAST(purchased_at AT TIME ZONE 'UTC' AS date),
         0, 0, 0, 0, 0, 0,
         CASE WHEN arm = 'sent' THEN amount ELSE 0e0 END,
         0,
         CASE WHEN arm = 'held' THEN amount ELSE 0e0 END
  FROM attributed
),
suppressions AS (
  SELECT campaign_id, channel, variant, CAST(decided_at AT TIME ZONE 'UTC' AS date) AS day, reason, count(*) AS messages
  FROM final_decisions
  WHERE status = 'suppressed' AND reason <> 'HOLDOUT'
  GROUP BY campaign_id, channel, variant, CAST(decided_at AT TIME ZONE 'UTC' AS date), reason
),
suppressed_by_reason AS (
  SELECT campaign_id, channel, variant, day,
         array_join(array_agg(concat(reason, ':', CAST(messages AS varchar)) ORDER BY reason), ', ') AS reasons
  FROM suppressions
  GROUP BY campaign_id, channel, variant, day
),
funnel AS (
  SELECT campaign_id, channel, variant, day,
         sum(triggered) AS triggered, sum(sent) AS sent, sum(held) AS held, sum(suppressed) AS suppressed,
         sum(opened) AS opened, sum(converted) AS converted, sum(revenue) AS revenue,
         sum(held_converted) AS held_converted, sum(held_revenue) AS held_revenue
  FROM facts
  WHERE day BETWEEN CAST({{from}} AS date) AND CAST({{to}} AS date)
  GROUP BY campaign_id, channel, variant, day
)
SELECT
  CAST(f.day AS varchar) AS day,
  f.campaign_id,
  f.channel,
  f.variant,
  f.triggered,
  f.sent,
  f.held,
  f.suppressed,
  coalesce(s.reasons, '') AS suppressed_by_reason,
  f.opened,
  f.converted,
  round(f.revenue, 2) AS revenue,
  f.held_converted,
  round(f.held_revenue, 2) AS held_revenue
FROM funnel f
LEFT JOIN suppressed_by_reason s
  ON s.campaign_id = f.campaign_id AND s.channel = f.channel AND s.variant = f.variant AND s.day = f.day
ORDER BY day, campaign_id, channel, variant
