package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CaReferences;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.x509.X509Group;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.Page;
import io.dpsemu.store.Store;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What attestation needs of the enrollments, reloaded only when the store reports an enrollment
 * write: the symmetric-key groups (a group SAS names only the device, so each group is a
 * candidate; DPS caps them at 100), the X.509 groups with their signing certificates parsed and
 * their CA references resolved, and whether any individual enrollment exists at all. While none
 * does (a fleet enrolled by groups only), a device is matched without looking up an individual
 * enrollment by its registration id, a store read per registration otherwise. Called on store
 * threads only.
 */
final class EnrollmentCache {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentCache.class);
    private static final int PAGE = 500;

    private final Store store;
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, List.of(), List.of(), true);

    EnrollmentCache(Store store) {
        this.store = store;
    }

    List<EnrollmentGroup> symmetricKeyGroups() {
        return current().symmetricKey;
    }

    List<X509Group> x509Groups() {
        return current().x509;
    }

    /** False only when the store holds no individual enrollment at all. */
    boolean mayHaveIndividualEnrollments() {
        return current().anyIndividual;
    }

    private Snapshot current() {
        long version = store.enrollmentVersion();
        Snapshot seen = snapshot;
        if (seen.version == version) {
            return seen;
        }
        Map<String, String> caPems = new HashMap<>();
        for (CaCertificate ca : store.listCaCertificates()) {
            caPems.put(ca.name().toLowerCase(Locale.ROOT), ca.certificate());
        }
        List<EnrollmentGroup> symmetric = new ArrayList<>();
        List<X509Group> x509 = new ArrayList<>();
        String continuation = null;
        do {
            Page<EnrollmentGroup> page = store.listGroups(continuation, PAGE);
            for (EnrollmentGroup group : page.items()) {
                AttestationType type = group.attestation() == null ? null : group.attestation().type();
                if (type == AttestationType.SYMMETRIC_KEY) {
                    symmetric.add(group);
                } else if (type == AttestationType.X509 && group.attestation().x509() != null) {
                    x509.add(new X509Group(group, signers(group, caPems)));
                }
            }
            continuation = page.continuation();
        } while (continuation != null);
        boolean anyIndividual = !store.listEnrollments(null, 1).items().isEmpty();
        Snapshot loaded = new Snapshot(version, List.copyOf(symmetric), List.copyOf(x509), anyIndividual);
        snapshot = loaded;
        return loaded;
    }

    private static List<X509Certificate> signers(EnrollmentGroup group, Map<String, String> caPems) {
        X509Attestation x509 = group.attestation().x509();
        List<X509Certificate> signers = new ArrayList<>();
        X509Certificates signing = x509.signingCertificates();
        if (signing != null) {
            add(signers, signing.primary(), group, "signingCertificates.primary");
            add(signers, signing.secondary(), group, "signingCertificates.secondary");
        }
        X509CaReferences references = x509.caReferences();
        if (references != null) {
            addReference(signers, references.primary(), caPems, group);
            addReference(signers, references.secondary(), caPems, group);
        }
        return List.copyOf(signers);
    }

    private static void add(List<X509Certificate> signers, X509CertificateWithInfo certificate, EnrollmentGroup group,
            String field) {
        if (certificate == null || certificate.certificate() == null) {
            return;
        }
        parseInto(signers, certificate.certificate(), group, field);
    }

    private static void addReference(List<X509Certificate> signers, String name, Map<String, String> caPems,
            EnrollmentGroup group) {
        if (name == null) {
            return;
        }
        String pem = caPems.get(name.toLowerCase(Locale.ROOT));
        if (pem == null) {
            LOG.warn("enrollment group '{}' references CA certificate '{}', which is not registered",
                    LogSafe.of(group.enrollmentGroupId()), LogSafe.of(name));
            return;
        }
        parseInto(signers, pem, group, "CA certificate '" + name + "'");
    }

    private static void parseInto(List<X509Certificate> signers, String pem, EnrollmentGroup group, String field) {
        try {
            signers.add(Pem.parseCertificate(pem));
        } catch (IllegalArgumentException e) {
            LOG.warn("enrollment group '{}': {} is unusable: {}", LogSafe.of(group.enrollmentGroupId()),
                    LogSafe.of(field), LogSafe.of(e.getMessage()));
        }
    }

    private record Snapshot(long version, List<EnrollmentGroup> symmetricKey, List<X509Group> x509,
            boolean anyIndividual) {
    }
}
