-- Each child of an array job as it ended (status, reason, exit code, its attempts), as JSON: a
-- failing child fails alone, so the children's states no longer follow from the parent's.
ALTER TABLE jobs ADD COLUMN children TEXT;
