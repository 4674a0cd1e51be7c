package io.dpsemu.server.service;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.store.Page;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the service API needs to know about one kind of enrollment document (individual enrollments
 * or enrollment groups), so one {@link EnrollmentResource} serves both.
 */
interface EnrollmentDocuments<T> {

    /** {@code x-ms-item-type} of query results. */
    String itemType();

    /** The id's field name in documents and bulk errors. */
    String idField();

    /** The list's field name in a bulk request. */
    String bulkField();

    Class<T> type();

    String id(T document);

    T withId(T document, String id);

    /** The document's {@code etag} as sent, or null. */
    String etag(T document);

    AttestationMechanism attestation(T document);

    T withAttestation(T document, AttestationMechanism attestation);

    /** Checks the document and completes it (keys, certificate info) against what is stored. */
    T prepare(T document, AttestationMechanism stored);

    Optional<T> find(String id);

    T put(T document, String ifMatch);

    boolean delete(String id, String ifMatch);

    Page<T> list(String continuation, int maxItems);

    /** The fields a query's WHERE may test, by lower-cased name. */
    Map<String, Function<T, String>> queryFields();

    /** What a GET answers: the document without keys (an individual enrollment adds its registration state). */
    default Object view(T document) {
        return withoutKeys(document);
    }

    /** GET and query answers carry no key values; they come from {@code attestationmechanism}. */
    default T withoutKeys(T document) {
        AttestationMechanism attestation = attestation(document);
        if (attestation == null || attestation.type() != AttestationType.SYMMETRIC_KEY) {
            return document;
        }
        return withAttestation(document, new AttestationMechanism(AttestationType.SYMMETRIC_KEY, null, null,
                new SymmetricKeyAttestation(null, null)));
    }

    static String attestationType(AttestationMechanism attestation) {
        return attestation == null || attestation.type() == null ? null : attestation.type().wire();
    }
}
