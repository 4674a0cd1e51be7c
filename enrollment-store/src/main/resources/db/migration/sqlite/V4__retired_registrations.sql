-- The last deleted registration record of each registration id: its retired record. Deleting a
-- registration record in DPS leaves the device identity in the hub it was assigned to, and a device
-- that registers onto that hub again gets substatus reprovisionedToInitialAssignment; dpsemu has no
-- hub, so this table remembers that identity. The store writes a row in the transaction that deletes
-- the record, replacing the id's earlier row, and reads it only by id: retired records are in no list
-- or count of registration records. One row per registration id ever deleted is the table's bound.
-- As in V1: the record is kept whole as JSON text, and id_key is the registration id lower-cased.

CREATE TABLE retired_registration (
    id_key   TEXT NOT NULL PRIMARY KEY,
    document TEXT NOT NULL
);
