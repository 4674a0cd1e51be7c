package io.dpsemu.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.server.x509.PemCertificates;
import io.dpsemu.server.x509.X509Enrollments;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.Store;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts the enrollments and groups of a seed file at start. The file is YAML or JSON with two
 * lists, {@code enrollments} and {@code enrollmentGroups}, in the DPS service-API document shape.
 * Seeding is idempotent: a symmetric key left out of the file keeps the stored key (or is generated
 * once, as DPS does), so restarting with the same file changes nothing a device sees.
 */
final class EnrollmentSeeder {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentSeeder.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;

    record SeedFile(List<SeedCaCertificate> caCertificates, List<IndividualEnrollment> enrollments,
            List<EnrollmentGroup> enrollmentGroups) {
    }

    /** A CA certificate that X.509 groups can name in {@code caReferences}. */
    record SeedCaCertificate(String name, String certificate) {
    }

    private EnrollmentSeeder() {
    }

    static void seed(Store store, Path file) {
        SeedFile seed = read(file);
        if (seed == null) {
            return;
        }
        int cas = 0;
        for (SeedCaCertificate ca : seed.caCertificates() == null ? List.<SeedCaCertificate>of()
                : seed.caCertificates()) {
            String where = file + ": CA certificate '" + ca.name() + "'";
            requireId(ca.name(), where);
            try {
                X509Certificate parsed = PemCertificates.parseOne(ca.certificate());
                if (parsed.getBasicConstraints() < 0) {
                    throw new ConfigException(where + ": " + CertificateFacts.describe(parsed) + " is not a CA certificate");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage(), e);
            }
            store.putCaCertificate(new CaCertificate(ca.name(), ca.certificate(), null, null, null), null);
            cas++;
        }
        int individuals = 0;
        int groups = 0;
        for (IndividualEnrollment enrollment : seed.enrollments() == null ? List.<IndividualEnrollment>of()
                : seed.enrollments()) {
            String where = file + ": enrollment '" + enrollment.registrationId() + "'";
            requireId(enrollment.registrationId(), where);
            AttestationMechanism attestation = prepared(enrollment.attestation(),
                    store.findEnrollment(enrollment.registrationId()).map(IndividualEnrollment::attestation), false,
                    where);
            store.putEnrollment(new IndividualEnrollment(enrollment.registrationId(), enrollment.deviceId(),
                    enrollment.optionalDeviceInformation(), attestation, enrollment.capabilities(),
                    enrollment.iotHubHostName(), enrollment.initialTwin(), null, enrollment.provisioningStatus(),
                    enrollment.reprovisionPolicy(), null, null, enrollment.allocationPolicy(), enrollment.iotHubs(),
                    enrollment.customAllocationDefinition()), null);
            individuals++;
        }
        for (EnrollmentGroup group : seed.enrollmentGroups() == null ? List.<EnrollmentGroup>of()
                : seed.enrollmentGroups()) {
            String where = file + ": enrollment group '" + group.enrollmentGroupId() + "'";
            requireId(group.enrollmentGroupId(), where);
            AttestationMechanism attestation = prepared(group.attestation(),
                    store.findGroup(group.enrollmentGroupId()).map(EnrollmentGroup::attestation), true, where);
            store.putGroup(new EnrollmentGroup(group.enrollmentGroupId(), attestation, group.capabilities(),
                    group.iotHubHostName(), group.initialTwin(), null, group.provisioningStatus(),
                    group.reprovisionPolicy(), null, null, group.allocationPolicy(), group.iotHubs(),
                    group.customAllocationDefinition()), null);
            groups++;
        }
        LOG.info("seeded {} CA certificate(s), {} enrollment(s) and {} enrollment group(s) from {}", cas, individuals,
                groups, file);
    }

    /** The seed file, or null when it is empty; errors name the enrollment and the field. */
    private static SeedFile read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read enrollment seed file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new ConfigException("enrollment seed file " + file
                    + ": the top level must be a mapping with 'enrollments' and 'enrollmentGroups'");
        }
        try {
            return YAML.treeToValue(root, SeedFile.class);
        } catch (JsonMappingException e) {
            throw new ConfigException("enrollment seed file " + file + ": " + describe(root, e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException("enrollment seed file " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    /** {@code enrollment 'id' (enrollments[1]): unknown field 'attestation.type2'}, and the like. */
    private static String describe(JsonNode root, JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        String where = "";
        int fieldStart = 0;
        if (path.size() >= 2 && path.get(0).getFieldName() != null && path.get(1).getIndex() >= 0) {
            String list = path.get(0).getFieldName();
            int index = path.get(1).getIndex();
            boolean group = "enrollmentGroups".equals(list);
            String id = root.path(list).path(index).path(group ? "enrollmentGroupId" : "registrationId").asText(null);
            String position = list + "[" + index + "]";
            where = (id == null ? position : (group ? "enrollment group '" : "enrollment '") + id + "' (" + position
                    + ")") + ": ";
            fieldStart = 2;
        }
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference reference : path.subList(fieldStart, path.size())) {
            parts.add(reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]");
        }
        String field = String.join(".", parts).replace(".[", "[");
        if (e instanceof UnrecognizedPropertyException) {
            return where + "unknown field '" + field + "'";
        }
        return where + (field.isEmpty() ? "" : "bad value for '" + field + "': ") + e.getOriginalMessage();
    }

    private static void requireId(String id, String where) {
        RegistrationIds.problem(id).ifPresent(problem -> {
            throw new ConfigException(where + ": " + problem);
        });
    }

    /** The attestation as stored: symmetric keys kept or generated, certificate info computed. */
    private static AttestationMechanism prepared(AttestationMechanism attestation,
            Optional<AttestationMechanism> stored, boolean group, String where) {
        if (attestation == null || attestation.type() == null) {
            throw new ConfigException(where + ": attestation.type is required (symmetricKey, x509 or tpm)");
        }
        if (attestation.type() == AttestationType.X509) {
            try {
                return X509Enrollments.withInfo(attestation, group);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage(), e);
            }
        }
        if (attestation.type() != AttestationType.SYMMETRIC_KEY) {
            return attestation;
        }
        SymmetricKeyAttestation given = attestation.symmetricKey();
        SymmetricKeyAttestation kept = stored.filter(a -> a.type() == AttestationType.SYMMETRIC_KEY)
                .map(AttestationMechanism::symmetricKey).orElse(null);
        String primary = key(given == null ? null : given.primaryKey(), kept == null ? null : kept.primaryKey(),
                where + ": attestation.symmetricKey.primaryKey");
        String secondary = key(given == null ? null : given.secondaryKey(), kept == null ? null : kept.secondaryKey(),
                where + ": attestation.symmetricKey.secondaryKey");
        return AttestationMechanism.symmetricKey(primary, secondary);
    }

    private static String key(String given, String kept, String where) {
        if (given != null && !given.isEmpty()) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(given);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + " is not base64");
            }
            if (decoded.length < MIN_KEY_BYTES || decoded.length > MAX_KEY_BYTES) {
                throw new ConfigException(where + " must decode to 16-64 bytes, not " + decoded.length);
            }
            return given;
        }
        if (kept != null) {
            return kept;
        }
        byte[] generated = new byte[MAX_KEY_BYTES];
        RANDOM.nextBytes(generated);
        return Base64.getEncoder().encodeToString(generated);
    }
}
