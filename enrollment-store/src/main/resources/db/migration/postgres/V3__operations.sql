-- Device registration operations, which a device polls until they end: kept in the database so that
-- a device may register on one node and poll on another. As in V1: the operation is kept whole as
-- JSON text (ids, status, the terminal registration result and the store's timestamps), beside only
-- what lookups and housekeeping need. Unlike the other ids, operation_id is matched exactly, case
-- included, so it is the id itself, not lower-cased; COLLATE "C" as for every key.
-- registration_key is the registration id lower-cased; updated_at is lastUpdatedDateTimeUtc in
-- microseconds since 1970-01-01T00:00:00Z (an integer, as in the SQLite schema), which the
-- housekeeping deletes by. Writes to this table do not take the store_version row lock and do not
-- bump enrollment_version: two nodes writing one operation are serialised by its row lock.

CREATE TABLE operation (
    operation_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    registration_key TEXT COLLATE "C" NOT NULL,
    updated_at       BIGINT NOT NULL,
    document         TEXT NOT NULL
);

-- Housekeeping deletes the operations updated before a cutoff.
CREATE INDEX operation_by_updated_at ON operation (updated_at);
