-- App behaviour per UTC day of the event: sessions (app_open), mean product_view dwell time, and the
-- share of product views followed by an add to cart (add_to_cart / product_view, both counted that day).
--
-- Trino SQL (Athena engine 3), also run on DuckDB locally: see docs/measurement.md, "SQL analytics".
--   {{events}}        the table
--   {{from}}, {{to}}  first and last UTC day reported, 'YYYY-MM-DD'
-- Days are the events' own (client) timestamps in UTC; the partitions read are the range plus one day
-- each side, so an event archived more than a day after it happened is not counted.
-- The event contract has no feedback event yet: when one is added, its counts by rating belong here.
WITH
events_read AS (
  SELECT
    "type" AS event_type,
    properties,
    from_iso8601_timestamp("timestamp") AS event_at,
    row_number() OVER (PARTITION BY coalesce(userid, anonymousid), insertid ORDER BY receivedat) AS copy
  FROM {{events}}
  WHERE day BETWEEN replace(CAST(CAST(CAST({{from}} AS date) - INTERVAL '1' DAY AS date) AS varchar), '-', '/')
                AND replace(CAST(CAST(CAST({{to}} AS date) + INTERVAL '1' DAY AS date) AS varchar), '-', '/')
    AND "type" IN ('app_open', 'product_view', 'add_to_cart')
),
unique_events AS (
  SELECT event_type, properties, CAST(event_at AT TIME ZONE 'UTC' AS date) AS day
  FROM events_read
  WHERE copy = 1
),
daily AS (
  SELECT
    day,
    count_if(event_type = 'app_open') AS sessions,
    count_if(event_type = 'product_view') AS product_views,
    avg(CASE WHEN event_type = 'product_view' THEN CAST(json_extract_scalar(properties, '$.dwellMs') AS double) END) AS mean_dwell_ms,
    count_if(event_type = 'add_to_cart') AS add_to_carts
  FROM unique_events
  WHERE day BETWEEN CAST({{from}} AS date) AND CAST({{to}} AS date)
  GROUP BY day
)
SELECT
  CAST(day AS varchar) AS day,
  sessions,
  product_views,
  round(mean_dwell_ms, 1) AS mean_dwell_ms,
  add_to_carts,
  round(CAST(add_to_carts AS double) / nullif(product_views, 0), 4) AS add_to_cart_per_view
FROM daily
ORDER BY day
