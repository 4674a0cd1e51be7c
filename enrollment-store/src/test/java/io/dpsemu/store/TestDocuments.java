package io.dpsemu.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.protocol.enrollment.TpmAttestation;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CaReferences;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.protocol.model.X509CertificateInfo;
import java.time.Instant;
import java.util.List;

/** Documents for store tests: minimal ones, and ones that fill every field the store must keep. */
public final class TestDocuments {

    public static final String PRIMARY_KEY = "cHJpbWFyeS1rZXktb2Ytc2l4dGVlbi1ieXRlcw==";
    public static final String SECONDARY_KEY = "c2Vjb25kYXJ5LWtleS1vZi1zaXh0ZWVuLWJ5dGVz";

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Instant CLIENT_TIME = Instant.parse("2001-02-03T04:05:06Z");
    /** PEM-shaped text; stores do not parse certificates, so it need not be a real one. */
    public static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGU=\n"
            + "-----END CERTIFICATE-----\n";

    private TestDocuments() {
    }

    public static IndividualEnrollment enrollment(String registrationId) {
        return IndividualEnrollment.symmetricKey(registrationId, PRIMARY_KEY, SECONDARY_KEY);
    }

    public static EnrollmentGroup group(String enrollmentGroupId) {
        return EnrollmentGroup.symmetricKey(enrollmentGroupId, PRIMARY_KEY, SECONDARY_KEY);
    }

    public static CaCertificate caCertificate(String name) {
        return CaCertificate.of(name, PEM);
    }

    public static RegistrationRecord registration(String registrationId, String enrollmentGroupId) {
        return new RegistrationRecord(registrationId, enrollmentGroupId, AttestationType.SYMMETRIC_KEY,
                registrationId, "hub1.azure-devices.net", RegistrationStatus.ASSIGNED,
                RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, null, null, null, null, null, null, null, null);
    }

    /** An operation still assigning: no result, no store fields. */
    public static OperationRecord assigningOperation(String operationId, String registrationId) {
        return new OperationRecord(operationId, registrationId, RegistrationStatus.ASSIGNING, null, null, null);
    }

    /** An operation that ended assigned, with its result as a device would get it. */
    public static OperationRecord assignedOperation(String operationId, String registrationId) {
        return new OperationRecord(operationId, registrationId, RegistrationStatus.ASSIGNED,
                json("{\"registrationId\":\"" + registrationId + "\","
                        + "\"createdDateTimeUtc\":\"2024-05-06T07:08:09.1234567Z\","
                        + "\"assignedHub\":\"hub1.azure-devices.net\",\"deviceId\":\"" + registrationId + "\","
                        + "\"status\":\"assigned\",\"substatus\":\"initialAssignment\",\"etag\":\"IjEwMDAi\","
                        + "\"lastUpdatedDateTimeUtc\":\"2024-05-06T07:08:09.7654321Z\","
                        + "\"symmetricKey\":{\"enrollmentGroupId\":\"Group-A\"},"
                        + "\"payload\":{\"limits\":[1,2.5,null,true],\"big\":1.0E20,\"empty\":{}}}"),
                null, null);
    }

    /** A failed record with every field set, including a payload and client-supplied store fields. */
    public static RegistrationRecord fullRegistration(String registrationId) {
        return new RegistrationRecord(registrationId, "Group-A", AttestationType.X509, "device-" + registrationId,
                "hub2.azure-devices.net", RegistrationStatus.FAILED, RegistrationSubstatus.DEVICE_DATA_MIGRATED,
                401002, "certificate chain not enrolled",
                json("{\"firmware\":{\"url\":\"https://fw.example/1.2\",\"size\":1048576},"
                        + "\"flags\":[true,null,\"x\",1.5],\"empty\":{}}"),
                CLIENT_TIME, CLIENT_TIME, "client-etag",
                json("{\"tags\":{\"line\":\"b\"},\"properties\":{\"desired\":{\"interval\":30}}}"),
                new DeviceCapabilities(true), issuedCertificate("01AB"),
                List.of(issuedCertificate("00FF").supersededAt(Instant.parse("2024-02-01T00:00:00.1234567Z")),
                        issuedCertificate("00FE").supersededAt(Instant.parse("2024-01-01T00:00:00Z"))));
    }

    /** A current certificate as a record keeps it; the body need not be a real one (stores do not parse it). */
    public static IssuedCertificateRecord issuedCertificate(String serialNumber) {
        Instant issued = Instant.parse("2024-03-04T05:06:07.1234567Z");
        return new IssuedCertificateRecord("local", serialNumber,
                "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "CN=device-1",
                issued.minusSeconds(3600), issued.plusSeconds(30 * 86_400), issued,
                "MIIBszCCAVmgAwIBAgIU" + serialNumber, null);
    }

    /** One enrollment per attestation type, each with every document field set. */
    public static List<IndividualEnrollment> fullEnrollments() {
        X509CertificateInfo info = new X509CertificateInfo("CN=device-x509", "0A1B2C", "0A1B2C3D4E",
                "CN=Plant Root CA", Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2034-01-01T00:00:00.1234567Z"), "7F01", 3);
        return List.of(
                fullEnrollment("device-x509", new AttestationMechanism(AttestationType.X509, null,
                        new X509Attestation(new X509Certificates(new X509CertificateWithInfo(PEM, info),
                                new X509CertificateWithInfo(PEM, null)), null, null), null)),
                fullEnrollment("device-sym", new AttestationMechanism(AttestationType.SYMMETRIC_KEY, null, null,
                        new SymmetricKeyAttestation(PRIMARY_KEY, SECONDARY_KEY))),
                fullEnrollment("device-tpm", new AttestationMechanism(AttestationType.TPM,
                        new TpmAttestation("AToAAQALAAMAsgAgg3GXZ0SEs", "AQALAAMAsgAgg3"), null, null)));
    }

    /** A group with every document field set. */
    public static EnrollmentGroup fullGroup(String enrollmentGroupId) {
        return new EnrollmentGroup(enrollmentGroupId,
                new AttestationMechanism(AttestationType.X509, null, new X509Attestation(null,
                        new X509Certificates(new X509CertificateWithInfo(PEM, null), null),
                        new X509CaReferences("plant-root", "plant-root-2")), null),
                new DeviceCapabilities(true), "legacy-hub.azure-devices.net", initialTwin(), "client-etag",
                ProvisioningStatus.DISABLED, new ReprovisionPolicy(true, false), CLIENT_TIME, CLIENT_TIME,
                AllocationPolicy.HASHED, List.of("hub1.azure-devices.net", "hub2.azure-devices.net"), null,
                "line.b_issuing-CA");
    }

    public static IndividualEnrollment withDeviceId(IndividualEnrollment e, String deviceId) {
        return new IndividualEnrollment(e.registrationId(), deviceId, e.optionalDeviceInformation(), e.attestation(),
                e.capabilities(), e.iotHubHostName(), e.initialTwin(), e.etag(), e.provisioningStatus(),
                e.reprovisionPolicy(), e.createdDateTimeUtc(), e.lastUpdatedDateTimeUtc(), e.allocationPolicy(),
                e.iotHubs(), e.customAllocationDefinition(), e.credentialPolicyName());
    }

    public static JsonNode json(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static IndividualEnrollment fullEnrollment(String registrationId, AttestationMechanism attestation) {
        return new IndividualEnrollment(registrationId, "device-" + registrationId,
                json("{\"model\":\"press-7\",\"serials\":[1,2,3]}"), attestation, new DeviceCapabilities(true),
                null, initialTwin(), "client-etag", ProvisioningStatus.DISABLED, new ReprovisionPolicy(false, true),
                CLIENT_TIME, CLIENT_TIME, AllocationPolicy.CUSTOM,
                List.of("hub1.azure-devices.net", "hub2.azure-devices.net"),
                new CustomAllocationDefinition("https://alloc.example/api/allocate?code=abc", "2021-10-01"),
                "plant-issuing-ca");
    }

    private static JsonNode initialTwin() {
        return json("{\"tags\":{\"plant\":\"north\",\"line\":4},"
                + "\"properties\":{\"desired\":{\"interval\":30,\"thresholds\":{\"max\":9.75},"
                + "\"$metadata\":{\"$lastUpdated\":\"2022-07-05T21:27:16.8123235Z\"},\"$version\":1}}}");
    }
}
