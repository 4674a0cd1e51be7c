-- Device registration operations, which a device polls until they end: kept in the store so that
-- the node that started one and the node that answers a poll need not be the same. As in V1: the
-- operation is kept whole as JSON text (ids, status, the terminal registration result and the
-- store's timestamps), beside only what lookups and housekeeping need. Unlike the other ids,
-- operation_id is matched exactly, case included, so it is the id itself, not lower-cased.
-- registration_key is the registration id lower-cased; updated_at is lastUpdatedDateTimeUtc in
-- microseconds since 1970-01-01T00:00:00Z, which the housekeeping deletes by. Writes to this table
-- do not bump store_version.enrollment_version.

CREATE TABLE operation (
    operation_id     TEXT NOT NULL PRIMARY KEY,
    registration_key TEXT NOT NULL,
    updated_at       INTEGER NOT NULL,
    document         TEXT NOT NULL
);

-- Housekeeping deletes the operations updated before a cutoff.
CREATE INDEX operation_by_updated_at ON operation (updated_at);
