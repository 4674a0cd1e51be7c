-- Each table keeps its document whole, as JSON text: the service-API document for enrollments and
-- groups, the store's record for registrations. The other columns are only what lookups, lists and
-- If-Match need, so later document fields need no migration. id_key is the id lower-cased, because
-- ids are case-insensitive while the document keeps the case it was written with.

CREATE TABLE individual_enrollment (
    id_key              TEXT NOT NULL PRIMARY KEY,
    etag                TEXT NOT NULL,
    provisioning_status TEXT NOT NULL,
    attestation_type    TEXT,
    document            TEXT NOT NULL
);

CREATE TABLE enrollment_group (
    id_key              TEXT NOT NULL PRIMARY KEY,
    etag                TEXT NOT NULL,
    provisioning_status TEXT NOT NULL,
    attestation_type    TEXT,
    document            TEXT NOT NULL
);

CREATE TABLE registration_record (
    id_key           TEXT NOT NULL PRIMARY KEY,
    group_key        TEXT,  -- lower-cased enrollmentGroupId; NULL for individual enrollments
    etag             TEXT NOT NULL,
    status           TEXT,
    attestation_type TEXT,
    document         TEXT NOT NULL
);

-- The service API lists a group's registrations in id order.
CREATE INDEX registration_record_by_group ON registration_record (group_key, id_key);

-- Bumped in the same transaction as every enrollment or group write, so enrollmentVersion never
-- goes back, not even across restarts.
CREATE TABLE store_version (
    id                 INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    enrollment_version INTEGER NOT NULL
);

INSERT INTO store_version (id, enrollment_version) VALUES (1, 0);
