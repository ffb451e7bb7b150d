-- Places are found by id, former id and name in the service layer's snapshot, which is
-- built from the records themselves; these two tables were written on every change and
-- read by nothing else.
DROP TABLE place_names;
DROP TABLE place_redirects;
