-- How many times the last import that queued a name named it: a reviewer starts with the
-- names that would unlock the most ties. Names queued before this column existed count once.
ALTER TABLE unresolved_names ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
CREATE INDEX unresolved_names_occurrences ON unresolved_names(occurrences DESC, batch, line);
