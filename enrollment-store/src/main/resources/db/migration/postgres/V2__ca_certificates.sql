-- Named CA certificates that X.509 enrollment groups reference (x509.caReferences), at most 25 (the
-- store enforces the limit, under the store_version row lock, so that two nodes cannot both add the
-- 25th). As in V1: the document is kept whole as JSON text (name, PEM text and the store's etag and
-- timestamps), and id_key is the name lower-cased, because names are case-insensitive while the
-- document keeps the case it was written with. Writes to this table bump
-- store_version.enrollment_version too, since enrollment matching depends on these certificates.

CREATE TABLE ca_certificate (
    id_key   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    etag     TEXT NOT NULL,
    document TEXT NOT NULL
);
