-- The same tables and columns as the SQLite schema (db/migration/sqlite), for several dpsemu nodes
-- sharing one database. Each table keeps its document whole, as JSON text: the service-API document
-- for enrollments and groups, the store's record for registrations. The other columns are only what
-- lookups, lists and If-Match need, so later document fields need no migration. id_key is the id
-- lower-cased, because ids are case-insensitive while the document keeps the case it was written with.
--
-- The document is text, not jsonb: it reads back exactly as written (jsonb would rewrite numbers
-- such as 1.0E20, and refuses the JSON escape \u0000 that an initialTwin or a PEM text may carry), and
-- it is not queried inside. An operator can still look into it with document::jsonb.
--
-- Keys sort in COLLATE "C" (byte order), whatever the database's own collation: lists page by
-- "id_key > last key ORDER BY id_key", which must give the same order on every store.

CREATE TABLE individual_enrollment (
    id_key              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    etag                TEXT NOT NULL,
    provisioning_status TEXT NOT NULL,
    attestation_type    TEXT,
    document            TEXT NOT NULL
);

CREATE TABLE enrollment_group (
    id_key              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    etag                TEXT NOT NULL,
    provisioning_status TEXT NOT NULL,
    attestation_type    TEXT,
    document            TEXT NOT NULL
);

CREATE TABLE registration_record (
    id_key           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    group_key        TEXT COLLATE "C",  -- lower-cased enrollmentGroupId; NULL for individual enrollments
    etag             TEXT NOT NULL,
    status           TEXT,
    attestation_type TEXT,
    document         TEXT NOT NULL
);

-- The service API lists a group's registrations in id order.
CREATE INDEX registration_record_by_group ON registration_record (group_key, id_key);

-- Bumped in the same transaction as every enrollment or group write, so enrollmentVersion never
-- goes back and every node reads the same one. The store updates this row first in those
-- transactions: its row lock serialises enrollment, group and CA certificate writes across nodes.
CREATE TABLE store_version (
    id                 INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    enrollment_version BIGINT NOT NULL
);

INSERT INTO store_version (id, enrollment_version) VALUES (1, 0);
