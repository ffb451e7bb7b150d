-- The search index takes its entries at once instead of through GIN's pending list.
-- Every write that changes searchable records rewrites the `search` table in its
-- transaction; with the pending list (`fastupdate`, on by default) those entries waited,
-- unsorted, for the next vacuum, and every search scanned them all: on the Wikipedia list
-- and the Wikidata TSV (18,848 rows) a prefix query took 2 ms instead of 0.05 ms, and the
-- planner, pricing the pending list, chose a sequential scan. Without it, the rewrite costs
-- about 125 ms instead of 60 ms (plus 100 ms to flush the list, which nothing did).
-- Results are unchanged: only how the index is kept.
ALTER INDEX search_words SET (fastupdate = off);
SELECT gin_clean_pending_list('search_words'::regclass);
