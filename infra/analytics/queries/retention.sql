-- Retention after the first message, messaged vs global holdout: of the users whose first message (or
-- first "would have been sent", HOLDOUT) in {{from}}..{{to}} fell on a day D, the share active again
-- (any event) on D + 1, D + 7 and D + 30, per campaign and for all campaigns ('*').
--
-- Trino SQL (Athena engine 3), and DuckDB locally (npm run query -- retention): see docs/measurement.md.
--   {{events}}, {{decisions}}  the tables
--   {{from}}, {{to}}           first and last UTC day of first messages, 'YYYY-MM-DD'
-- A cohort younger than N days has no D + N yet: read D30 for first messages at least 30 days old.
WITH
decisions_read AS (
  SELECT
    messageid AS message_id,
    userid AS user_id,
    campaignid AS campaign_id,
    status,
    reason,
    from_iso8601_timestamp(coalesce(funnelat, decidedat, "at")) AS decided_at,
    row_number() OVER (PARTITION BY messageid ORDER BY coalesce(decidedat, "at")) AS copy
  FROM {{decisions}}
  WHERE day BETWEEN replace({{from}}, '-', '/')
                AND replace(CAST(CAST(CAST({{to}} AS date) + INTERVAL '1' DAY AS date) AS varchar), '-', '/')
    AND status IN ('sent', 'unconfirmed', 'suppressed')
),
touches AS (
  SELECT user_id, campaign_id, CASE WHEN status = 'suppressed' THEN 'holdout' ELSE 'messaged' END AS arm, decided_at
  FROM decisions_read
  WHERE copy = 1 AND (status IN ('sent', 'unconfirmed') OR reason = 'HOLDOUT')
),
-- The first touch of each user, per campaign and over all campaigns.
firsts AS (
  SELECT campaign_id, user_id, min_by(arm, decided_at) AS arm, min(decided_at) AS first_at FROM touches GROUP BY campaign_id, user_id
  UNION ALL
  SELECT '*', user_id, min_by(arm, decided_at), min(decided_at) FROM touches GROUP BY user_id
),
cohort AS (
  SELECT campaign_id, user_id, arm, CAST(first_at AT TIME ZONE 'UTC' AS date) AS first_day
  FROM firsts
  WHERE CAST(first_at AT TIME ZONE 'UTC' AS date) BETWEEN CAST({{from}} AS date) AND CAST({{to}} AS date)
),
activity AS (
  SELECT DISTINCT coalesce(userid, anonymousid) AS user_id, CAST(from_iso8601_timestamp("timestamp") AT TIME ZONE 'UTC' AS date) AS active_day
  FROM {{events}}
  WHERE day BETWEEN replace({{from}}, '-', '/')
                AND replace(CAST(CAST(CAST({{to}} AS date) + INTERVAL '32' DAY AS date) AS varchar), '-', '/')
),
per_user AS (
  SELECT c.campaign_id, c.arm, c.user_id,
         max(CASE WHEN a.active_day = CAST(c.first_day + INTERVAL '1' DAY AS date) THEN 1 ELSE 0 END) AS d1,
         max(CASE WHEN a.active_day = CAST(c.first_day + INTERVAL '7' DAY AS date) THEN 1 ELSE 0 END) AS d7,
         max(CASE WHEN a.active_day = CAST(c.first_day + INTERVAL '30' DAY AS date) THEN 1 ELSE 0 END) AS d30
  FROM cohort c
  LEFT JOIN activity a ON a.user_id = c.user_id
  GROUP BY c.campaign_id, c.arm, c.user_id
)
SELECT campaign_id, arm, count(*) AS users,
       sum(d1) AS active_d1, sum(d7) AS active_d7, sum(d30) AS active_d30,
       round(CAST(sum(d1) AS double) / count(*), 4) AS retention_d1,
       round(CAST(sum(d7) AS double) / count(*), 4) AS retention_d7,
       round(CAST(sum(d30) AS double) / count(*), 4) AS retention_d30
FROM per_user
GROUP BY campaign_id, arm
ORDER BY campaign_id, arm
