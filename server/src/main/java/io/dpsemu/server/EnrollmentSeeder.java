package io.dpsemu.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.enrollment.InvalidEnrollmentException;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts the CA certificates, enrollments and groups of a seed file at start. The file is YAML or
 * JSON with the lists {@code caCertificates}, {@code enrollments} and {@code enrollmentGroups}, the
 * documents in the DPS service-API shape and under the same {@link EnrollmentRules} as the service
 * API. Seeding is idempotent: a symmetric key left out of the file keeps the stored key (or is
 * generated once, as DPS does), so restarting with the same file changes nothing a device sees.
 */
final class EnrollmentSeeder {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentSeeder.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record SeedFile(List<SeedCaCertificate> caCertificates, List<IndividualEnrollment> enrollments,
            List<EnrollmentGroup> enrollmentGroups) {
    }

    /** A CA certificate that X.509 groups can name in {@code caReferences}. */
    record SeedCaCertificate(String name, String certificate) {
    }

    private EnrollmentSeeder() {
    }

    static void seed(Store store, Path file, EnrollmentRules rules) {
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
                X509Certificate parsed = Pem.parseCertificate(ca.certificate());
                if (parsed.getBasicConstraints() < 0) {
                    throw new ConfigException(where + ": " + CertificateFacts.describe(parsed)
                            + " is not a CA certificate");
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
            try {
                store.putEnrollment(rules.prepare(enrollment, enrollment.registrationId() == null ? null
                        : store.findEnrollment(enrollment.registrationId()).map(IndividualEnrollment::attestation)
                                .orElse(null)), null);
            } catch (InvalidEnrollmentException | IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage(), e);
            }
            individuals++;
        }
        for (EnrollmentGroup group : seed.enrollmentGroups() == null ? List.<EnrollmentGroup>of()
                : seed.enrollmentGroups()) {
            String where = file + ": enrollment group '" + group.enrollmentGroupId() + "'";
            try {
                store.putGroup(rules.prepare(group, group.enrollmentGroupId() == null ? null
                        : store.findGroup(group.enrollmentGroupId()).map(EnrollmentGroup::attestation).orElse(null)),
                        null);
            } catch (InvalidEnrollmentException | IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage(), e);
            }
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
}
