package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AllocationPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanismType;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationError;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceRegistrationState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResultType;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecification;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.CustomAllocationDefinition;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceCapabilities;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ReprovisionPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TpmAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadFormatException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadUsageException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientUnathorizedException;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.TestDocuments;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Azure IoT Java provisioning <em>service</em> client (2.0.3), unchanged, against a real
 * dpsemu on port 443: enrollments, groups, paging, bulk, registration records, and the errors it maps
 * to its exception types. Devices provision with the official device client against what it created.
 *
 * <p>The service client talks through {@link HttpsURLConnection} and never sets a socket factory of
 * its own, so the default socket factory of {@code HttpsURLConnection} decides whether the server's
 * certificate is trusted: this class replaces it with one trusting the server's CA, and puts the
 * previous one back afterwards.
 */
@Tag("sdk")
@Timeout(180)
class ServiceClientIT {

    private static final String HUB = "dpsemu-hub.local";
    /** Linked but left out of hashed allocation: only enrollments that name it get it. */
    private static final String STATIC_HUB = "dpsemu-static-hub.local";
    private static final String READER = "enrollmentreader";
    private static final String READER_KEY = SymmetricKeyProvisioningIT.newKey();
    private static final String OWNER = "provisioningserviceowner";
    /** May write enrollments but not read them, so never sees a key. */
    private static final String WRITER = "enrollmentwriter";
    private static final String WRITER_KEY = SymmetricKeyProvisioningIT.newKey();

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static SSLSocketFactory previousSocketFactory;
    private static String ownerKey;
    private static ProvisioningServiceClient client;
    private static AzureSdkDevice device;

    @BeforeAll
    static void startServer() throws Exception {
        Map<String, Object> extra = new HashMap<>();
        extra.put("linkedHubs", List.of(
                Map.of("hostName", HUB, "allocationWeight", 1, "applyAllocationPolicy", true),
                Map.of("hostName", STATIC_HUB, "allocationWeight", 1, "applyAllocationPolicy", false)));
        extra.put("service.hostName", "localhost");
        extra.put("service.policies", List.of(
                Map.of("name", READER, "rights", List.of("EnrollmentRead", "RegistrationStatusRead"),
                        "primaryKey", READER_KEY, "secondaryKey", SymmetricKeyProvisioningIT.newKey()),
                Map.of("name", WRITER, "rights", List.of("EnrollmentWrite"), "primaryKey", WRITER_KEY)));
        server = TestServers.start(dataDir, "memory", extra, Clock.systemUTC());

        previousSocketFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(trusting(server.caCertificate()).getSocketFactory());

        ownerKey = ownerKey(dataDir);
        client = ProvisioningServiceClient.createFromConnectionString(connectionString(OWNER, ownerKey));
        device = new AzureSdkDevice(server.idScope(), server.caCertificate());
    }

    @AfterAll
    static void stopServer() {
        if (previousSocketFactory != null) {
            HttpsURLConnection.setDefaultSSLSocketFactory(previousSocketFactory);
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- individual enrollments ----

    @Test
    void individualEnrollment_whenCreatedWithoutKeys_thenPutReturnsGeneratedKeysGetHidesThemAndUpdateKeepsThem()
            throws Exception {
        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-individual-1", new SymmetricKeyAttestation(null, null)));

        SymmetricKeyAttestation keys = (SymmetricKeyAttestation) created.getAttestation();
        assertThat(Base64.getDecoder().decode(keys.getPrimaryKey())).hasSize(64);
        assertThat(Base64.getDecoder().decode(keys.getSecondaryKey())).hasSize(64);
        assertThat(keys.getPrimaryKey()).isNotEqualTo(keys.getSecondaryKey());
        assertThat(created.getRegistrationId()).isEqualTo("svc-individual-1");
        assertThat(created.getEtag()).isNotBlank();
        assertThat(created.getCreatedDateTimeUtc()).isNotNull();
        assertThat(created.getLastUpdatedDateTimeUtc()).isNotNull();
        assertThat(created.getProvisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);

        IndividualEnrollment read = client.getIndividualEnrollment("svc-individual-1");
        assertThat(read.getEtag()).isEqualTo(created.getEtag());
        SymmetricKeyAttestation hidden = (SymmetricKeyAttestation) read.getAttestation();
        assertThat(hidden.getPrimaryKey()).isNull();
        assertThat(hidden.getSecondaryKey()).isNull();

        AttestationMechanism mechanism = client.getIndividualEnrollmentAttestationMechanism("svc-individual-1");
        assertThat(mechanism.getType()).isEqualTo(AttestationMechanismType.SYMMETRIC_KEY);
        SymmetricKeyAttestation shown = (SymmetricKeyAttestation) mechanism.getAttestation();
        assertThat(shown.getPrimaryKey()).isEqualTo(keys.getPrimaryKey());
        assertThat(shown.getSecondaryKey()).isEqualTo(keys.getSecondaryKey());

        // an update of what GET returned (no key values, the current etag as If-Match) keeps the keys
        read.setDeviceId("svc-device-1");
        read.setProvisioningStatus(ProvisioningStatus.DISABLED);
        IndividualEnrollment updated = client.createOrUpdateIndividualEnrollment(read);
        assertThat(updated.getDeviceId()).isEqualTo("svc-device-1");
        assertThat(updated.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
        assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());
        SymmetricKeyAttestation kept = (SymmetricKeyAttestation) client
                .getIndividualEnrollmentAttestationMechanism("svc-individual-1").getAttestation();
        assertThat(kept.getPrimaryKey()).isEqualTo(keys.getPrimaryKey());
        assertThat(kept.getSecondaryKey()).isEqualTo(keys.getSecondaryKey());

        client.deleteIndividualEnrollment(updated);
        assertThatThrownBy(() -> client.getIndividualEnrollment("svc-individual-1"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    @Test
    void individualEnrollment_whenCreatedWithGivenKeysAndAllocation_thenReadBackAsSent() throws Exception {
        String primary = SymmetricKeyProvisioningIT.newKey();
        String secondary = SymmetricKeyProvisioningIT.newKey();
        IndividualEnrollment enrollment = new IndividualEnrollment("svc-individual-static",
                new SymmetricKeyAttestation(primary, secondary));
        enrollment.setAllocationPolicy(AllocationPolicy.STATIC);
        enrollment.setIotHubs(List.of(STATIC_HUB));

        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(enrollment);

        assertThat(((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey()).isEqualTo(primary);
        IndividualEnrollment read = client.getIndividualEnrollment("svc-individual-static");
        assertThat(read.getAllocationPolicy()).isEqualTo(AllocationPolicy.STATIC);
        assertThat(read.getIotHubs()).containsExactly(STATIC_HUB);
        assertThat(read.getCapabilities()).isNotNull();
        assertThat(read.getReprovisionPolicy()).isNotNull();
    }

    @Test
    void individualEnrollment_whenEveryOptionalPartIsSet_thenReadBackAsSent() throws Exception {
        IndividualEnrollment enrollment = new IndividualEnrollment("svc-full", new SymmetricKeyAttestation(null, null));
        enrollment.setDeviceId("svc-full-device");
        TwinCollection tags = new TwinCollection();
        tags.put("site", "plant-7");
        TwinCollection desired = new TwinCollection();
        desired.put("telemetryInterval", 30);
        enrollment.setInitialTwin(new TwinState(tags, desired));
        DeviceCapabilities capabilities = new DeviceCapabilities();
        capabilities.setIotEdge(true);
        enrollment.setCapabilities(capabilities);
        ReprovisionPolicy reprovision = new ReprovisionPolicy();
        reprovision.setUpdateHubAssignment(true);
        reprovision.setMigrateDeviceData(false);
        enrollment.setReprovisionPolicy(reprovision);
        CustomAllocationDefinition custom = new CustomAllocationDefinition();
        custom.setWebhookUrl("https://allocator.example.test/api/allocate");
        custom.setApiVersion("2021-10-01");
        enrollment.setCustomAllocationDefinition(custom);
        enrollment.setAllocationPolicy(AllocationPolicy.CUSTOM);
        enrollment.setIotHubs(List.of(HUB, STATIC_HUB));
        enrollment.setProvisioningStatus(ProvisioningStatus.DISABLED);

        client.createOrUpdateIndividualEnrollment(enrollment);
        IndividualEnrollment read = client.getIndividualEnrollment("svc-full");

        assertThat(read.getDeviceId()).isEqualTo("svc-full-device");
        assertThat(read.getInitialTwin().getTags()).containsEntry("site", "plant-7");
        assertThat(((Number) read.getInitialTwin().getDesiredProperties().get("telemetryInterval")).intValue())
                .isEqualTo(30);
        assertThat(read.getCapabilities().isIotEdge()).isTrue();
        assertThat(read.getReprovisionPolicy().getUpdateHubAssignment()).isTrue();
        assertThat(read.getReprovisionPolicy().getMigrateDeviceData()).isFalse();
        assertThat(read.getCustomAllocationDefinition().getWebhookUrl())
                .isEqualTo("https://allocator.example.test/api/allocate");
        assertThat(read.getCustomAllocationDefinition().getApiVersion()).isEqualTo("2021-10-01");
        assertThat(read.getAllocationPolicy()).isEqualTo(AllocationPolicy.CUSTOM);
        assertThat(read.getIotHubs()).containsExactlyInAnyOrder(HUB, STATIC_HUB);
        assertThat(read.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
    }

    @Test
    void tpmEnrollment_whenCreated_thenReadBackWithItsEndorsementKey() throws Exception {
        String endorsementKey = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-tpm",
                new TpmAttestation(endorsementKey)));
        IndividualEnrollment read = client.getIndividualEnrollment("svc-tpm");

        assertThat(read.getAttestation()).isInstanceOf(TpmAttestation.class);
        assertThat(((TpmAttestation) read.getAttestation()).getEndorsementKey()).isEqualTo(endorsementKey);
    }

    @Test
    void x509_whenGroupAndIndividualCreatedByServiceClient_thenInfoReturnedAndDevicesProvision() throws Exception {
        X509Bundle root = x509Root("CN=svc root");
        X509Bundle groupDevice = x509Device("svc-x509-group-device").buildIssuedBy(root);
        // the device SDK will not present a self-signed leaf; this one's root is enrolled nowhere
        X509Bundle single = x509Device("svc-x509-single").buildIssuedBy(x509Root("CN=svc unenrolled root"));

        client.createOrUpdateEnrollmentGroup(new EnrollmentGroup("svc-x509-group",
                X509Attestation.createFromRootCertificates(root.getCertificatePEM())));
        client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-x509-single",
                X509Attestation.createFromClientCertificates(single.getCertificatePEM())));

        X509Attestation groupAttestation = (X509Attestation) client.getEnrollmentGroup("svc-x509-group")
                .getAttestation();
        assertThat(groupAttestation.getRootCertificates()).isNotNull();
        assertThat(groupAttestation.getPrimaryX509CertificateInfo().getSubjectName()).contains("svc root");
        assertThat(groupAttestation.getPrimaryX509CertificateInfo().getSha256Thumbprint()).isNotBlank();
        assertThat(groupAttestation.getPrimaryX509CertificateInfo().getNotAfterUtc()).isNotNull();
        X509Attestation singleAttestation = (X509Attestation) client.getIndividualEnrollment("svc-x509-single")
                .getAttestation();
        assertThat(singleAttestation.getClientCertificates()).isNotNull();
        assertThat(singleAttestation.getPrimaryX509CertificateInfo().getSubjectName()).contains("svc-x509-single");

        for (X509Bundle leaf : List.of(groupDevice, single)) {
            ProvisioningDeviceClientRegistrationResult result = device.registerX509(leaf.getCertificate(),
                    leaf.getKeyPair().getPrivate(), List.of());
            assertThat(result.getProvisioningDeviceClientStatus())
                    .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
            assertThat(result.getIothubUri()).isEqualTo(HUB);
        }
        assertThat(client.getDeviceRegistrationState("svc-x509-group-device").getStatus())
                .isEqualTo(EnrollmentStatus.ASSIGNED);
    }

    // ---- enrollment groups ----

    @Test
    void enrollmentGroup_whenCreatedReadUpdatedAndDeleted_thenEachStepAsDps() throws Exception {
        EnrollmentGroup created = client.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup("svc-group-1", new SymmetricKeyAttestation(null, null)));

        SymmetricKeyAttestation keys = (SymmetricKeyAttestation) created.getAttestation();
        assertThat(Base64.getDecoder().decode(keys.getPrimaryKey())).hasSize(64);
        assertThat(created.getEtag()).isNotBlank();

        EnrollmentGroup read = client.getEnrollmentGroup("svc-group-1");
        assertThat(read.getEnrollmentGroupId()).isEqualTo("svc-group-1");
        assertThat(((SymmetricKeyAttestation) read.getAttestation()).getPrimaryKey()).isNull();
        SymmetricKeyAttestation shown = (SymmetricKeyAttestation) client
                .getEnrollmentGroupAttestationMechanism("svc-group-1").getAttestation();
        assertThat(shown.getPrimaryKey()).isEqualTo(keys.getPrimaryKey());

        read.setProvisioningStatus(ProvisioningStatus.DISABLED);
        EnrollmentGroup updated = client.createOrUpdateEnrollmentGroup(read);
        assertThat(updated.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
        assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());

        client.deleteEnrollmentGroup("svc-group-1", updated.getEtag());
        assertThatThrownBy(() -> client.getEnrollmentGroup("svc-group-1"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    // ---- query ----

    @Test
    void query_whenMoreEnrollmentsThanOnePage_thenEveryEnrollmentSeenOnceAndTheLoopEnds() throws Exception {
        List<IndividualEnrollment> batch = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            String id = String.format("svc-page-%02d", i);
            expected.add(id);
            batch.add(new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
            if (batch.size() == 10 || i == 24) {
                assertThat(client.runBulkEnrollmentOperation(BulkOperationMode.CREATE, batch).getSuccessful())
                        .isTrue();
                batch.clear();
            }
        }
        QuerySpecification everything = new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENTS).createSqlQuery();
        Query query = client.createIndividualEnrollmentQuery(everything, 10);

        List<String> seen = new ArrayList<>();
        int pages = 0;
        while (query.hasNext()) {
            QueryResult page = query.next();
            pages++;
            assertThat(pages).as("pages").isLessThan(50);
            assertThat(page.getType()).isEqualTo(QueryResultType.ENROLLMENT);
            assertThat(page.getItems()).hasSizeLessThanOrEqualTo(10);
            for (Object item : page.getItems()) {
                IndividualEnrollment enrollment = (IndividualEnrollment) item;
                seen.add(enrollment.getRegistrationId());
                if (enrollment.getAttestation() instanceof SymmetricKeyAttestation sym) {
                    assertThat(sym.getPrimaryKey()).as("query hides keys").isNull();
                }
            }
        }

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen.stream().filter(expected::contains)).hasSize(25);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void query_whenWhereNamesARegistrationId_thenOnlyThatEnrollment() throws Exception {
        client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-where-1", new SymmetricKeyAttestation(null, null)));
        client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-where-2", new SymmetricKeyAttestation(null, null)));
        QuerySpecification one = new QuerySpecificationBuilder("*", QuerySpecificationBuilder.FromType.ENROLLMENTS)
                .where("registrationId = 'svc-where-2'").createSqlQuery();

        Query query = client.createIndividualEnrollmentQuery(one, 5);
        List<String> seen = new ArrayList<>();
        while (query.hasNext()) {
            for (Object item : query.next().getItems()) {
                seen.add(((IndividualEnrollment) item).getRegistrationId());
            }
        }

        assertThat(seen).containsExactly("svc-where-2");
    }

    @Test
    void groupQuery_whenGroupsExist_thenEachSeenOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.createOrUpdateEnrollmentGroup(new EnrollmentGroup("svc-query-group-" + i,
                    new SymmetricKeyAttestation(null, null)));
        }
        Query query = client.createEnrollmentGroupQuery(new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).createSqlQuery(), 2);

        List<String> seen = new ArrayList<>();
        int pages = 0;
        while (query.hasNext() && pages++ < 50) {
            QueryResult page = query.next();
            assertThat(page.getType()).isEqualTo(QueryResultType.ENROLLMENT_GROUP);
            for (Object item : page.getItems()) {
                seen.add(((EnrollmentGroup) item).getEnrollmentGroupId());
            }
        }

        assertThat(seen).doesNotHaveDuplicates()
                .contains("svc-query-group-0", "svc-query-group-1", "svc-query-group-2");
    }

    // ---- bulk ----

    @Test
    void bulkCreate_whenAllNew_thenSuccessfulAndEachReadable_andWhenOneExists_thenItsErrorIsReported()
            throws Exception {
        List<IndividualEnrollment> enrollments = List.of(
                new IndividualEnrollment("svc-bulk-1", new SymmetricKeyAttestation(null, null)),
                new IndividualEnrollment("svc-bulk-2", new SymmetricKeyAttestation(null, null)),
                new IndividualEnrollment("svc-bulk-3", new SymmetricKeyAttestation(null, null)));

        BulkEnrollmentOperationResult result = client.runBulkEnrollmentOperation(BulkOperationMode.CREATE,
                enrollments);

        assertThat(result.getSuccessful()).isTrue();
        assertThat(result.getErrors()).isEmpty();
        for (IndividualEnrollment e : enrollments) {
            assertThat(client.getIndividualEnrollment(e.getRegistrationId()).getRegistrationId())
                    .isEqualTo(e.getRegistrationId());
            SymmetricKeyAttestation keys = (SymmetricKeyAttestation) client
                    .getIndividualEnrollmentAttestationMechanism(e.getRegistrationId()).getAttestation();
            assertThat(keys.getPrimaryKey()).isNotBlank();
        }

        BulkEnrollmentOperationResult again = client.runBulkEnrollmentOperation(BulkOperationMode.CREATE, List.of(
                new IndividualEnrollment("svc-bulk-2", new SymmetricKeyAttestation(null, null)),
                new IndividualEnrollment("svc-bulk-4", new SymmetricKeyAttestation(null, null))));

        assertThat(again.getSuccessful()).isFalse();
        assertThat(again.getErrors()).hasSize(1);
        BulkEnrollmentOperationError error = again.getErrors().get(0);
        assertThat(error.getRegistrationId()).isEqualTo("svc-bulk-2");
        assertThat(error.getErrorCode()).isEqualTo(409001);
        assertThat(error.getErrorStatus()).contains("already exists");
        assertThat(client.getIndividualEnrollment("svc-bulk-4").getRegistrationId()).isEqualTo("svc-bulk-4");

        BulkEnrollmentOperationResult deleted = client.runBulkEnrollmentOperation(BulkOperationMode.DELETE,
                List.of(new IndividualEnrollment("svc-bulk-1", new SymmetricKeyAttestation(null, null))));
        assertThat(deleted.getSuccessful()).isTrue();
        assertThatThrownBy(() -> client.getIndividualEnrollment("svc-bulk-1"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    // ---- devices against what the service client created; registration records ----

    @Test
    void device_whenEnrollmentCreatedByServiceClient_thenProvisionsAndItsRecordCanBeReadAndDeleted()
            throws Exception {
        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-device-a", new SymmetricKeyAttestation(null, null)));
        String key = ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey();

        ProvisioningDeviceClientRegistrationResult result = device.register("svc-device-a", key);

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB);
        DeviceRegistrationState state = client.getDeviceRegistrationState("svc-device-a");
        assertThat(state.getRegistrationId()).isEqualTo("svc-device-a");
        assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(state.getAssignedHub()).isEqualTo(HUB);
        assertThat(state.getDeviceId()).isEqualTo("svc-device-a");
        assertThat(state.getCreatedDateTimeUtc()).isNotNull();
        assertThat(state.getLastUpdatedDateTimeUtc()).isNotNull();
        assertThat(state.getEtag()).isNotBlank();
        DeviceRegistrationState embedded = client.getIndividualEnrollment("svc-device-a").getDeviceRegistrationState();
        assertThat(embedded).as("GET of the enrollment carries its registration state").isNotNull();
        assertThat(embedded.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(embedded.getAssignedHub()).isEqualTo(HUB);

        client.deleteDeviceRegistrationState(state);
        assertThatThrownBy(() -> client.getDeviceRegistrationState("svc-device-a"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThat(client.getIndividualEnrollment("svc-device-a").getDeviceRegistrationState()).isNull();

        // the secondary key of the PUT reply works too
        String secondary = ((SymmetricKeyAttestation) created.getAttestation()).getSecondaryKey();
        assertThat(device.register("svc-device-a", secondary).getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    @Test
    void device_whenStaticEnrollmentCreatedByServiceClient_thenAssignedToTheNamedHub() throws Exception {
        IndividualEnrollment enrollment = new IndividualEnrollment("svc-device-static",
                new SymmetricKeyAttestation(null, null));
        enrollment.setAllocationPolicy(AllocationPolicy.STATIC);
        enrollment.setIotHubs(List.of(STATIC_HUB));
        enrollment.setDeviceId("static-device");
        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(enrollment);

        ProvisioningDeviceClientRegistrationResult result = device.register("svc-device-static",
                ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey());

        assertThat(result.getIothubUri()).isEqualTo(STATIC_HUB);
        assertThat(result.getDeviceId()).isEqualTo("static-device");
        assertThat(client.getDeviceRegistrationState("svc-device-static").getAssignedHub()).isEqualTo(STATIC_HUB);
    }

    @Test
    void device_whenGroupCreatedByServiceClient_thenDerivedKeyProvisionsAndGroupQueryListsTheRecord()
            throws Exception {
        EnrollmentGroup group = client.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup("svc-device-group", new SymmetricKeyAttestation(null, null)));
        String groupKey = ((SymmetricKeyAttestation) group.getAttestation()).getPrimaryKey();

        for (String registrationId : List.of("svc-group-device-1", "svc-group-device-2", "svc-group-device-3")) {
            ProvisioningDeviceClientRegistrationResult result = device.register(registrationId,
                    DerivedKeys.deviceKey(groupKey, registrationId));
            assertThat(result.getProvisioningDeviceClientStatus())
                    .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        }
        Query query = client.createEnrollmentGroupRegistrationStateQuery(new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).createSqlQuery(), "svc-device-group", 2);

        List<String> seen = new ArrayList<>();
        int pages = 0;
        while (query.hasNext() && pages++ < 50) {
            QueryResult page = query.next();
            assertThat(page.getType()).isEqualTo(QueryResultType.DEVICE_REGISTRATION);
            for (Object item : page.getItems()) {
                DeviceRegistrationState state = (DeviceRegistrationState) item;
                assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
                seen.add(state.getRegistrationId());
            }
        }

        assertThat(seen).containsExactlyInAnyOrder("svc-group-device-1", "svc-group-device-2", "svc-group-device-3");
        assertThat(pages).isEqualTo(2);
    }

    /**
     * dpsemu's certificate issuance fields ({@code credentialPolicyName}; the registration state's issued and
     * superseded certificates) are unknown to this client: it must read past them.
     */
    @Test
    void issuanceFields_whenPresent_thenTheServiceClientStillReadsEnrollmentsGroupsAndRecords() throws Exception {
        RawHttpsClient.Response put = rawPut("/enrollments/svc-csr-device?api-version=2021-10-01",
                "{\"registrationId\":\"svc-csr-device\",\"credentialPolicyName\":\"local\","
                        + "\"attestation\":{\"type\":\"symmetricKey\"}}");
        RawHttpsClient.Response putGroup = rawPut("/enrollmentGroups/svc-csr-group?api-version=2021-10-01",
                "{\"enrollmentGroupId\":\"svc-csr-group\",\"credentialPolicyName\":\"local\","
                        + "\"attestation\":{\"type\":\"symmetricKey\"}}");
        server.store().putRegistration(RegistrationRecord.assigned("svc-csr-device", null,
                AttestationType.SYMMETRIC_KEY, "svc-csr-device", HUB,
                RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, null)
                .withIssuedCertificate(TestDocuments.issuedCertificate("0A"), Instant.now(), 10)
                .withIssuedCertificate(TestDocuments.issuedCertificate("0B"), Instant.now(), 10));

        IndividualEnrollment enrollment = client.getIndividualEnrollment("svc-csr-device");
        EnrollmentGroup group = client.getEnrollmentGroup("svc-csr-group");
        DeviceRegistrationState state = client.getDeviceRegistrationState("svc-csr-device");

        assertThat(put.status()).as("%s", put).isEqualTo(200);
        assertThat(putGroup.status()).as("%s", putGroup).isEqualTo(200);
        assertThat(rawGet("/registrations/svc-csr-device?api-version=2021-10-01",
                SasTokens.create("localhost", ownerKey, Instant.now().plusSeconds(600), OWNER)).json()
                .at("/issuedCertificate/serialNumber").asText()).isEqualTo("0B");
        assertThat(enrollment.getRegistrationId()).isEqualTo("svc-csr-device");
        assertThat(enrollment.getAttestation()).isInstanceOf(SymmetricKeyAttestation.class);
        assertThat(enrollment.getDeviceRegistrationState().getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(group.getEnrollmentGroupId()).isEqualTo("svc-csr-group");
        assertThat(state.getRegistrationId()).isEqualTo("svc-csr-device");
        assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(state.getAssignedHub()).isEqualTo(HUB);
    }

    // ---- refusals ----

    @Test
    void wrongKeyInConnectionString_whenUsed_thenUnauthorized() {
        ProvisioningServiceClient wrong = ProvisioningServiceClient.createFromConnectionString(
                connectionString(OWNER, SymmetricKeyProvisioningIT.newKey()));

        assertThatThrownBy(() -> wrong.getIndividualEnrollment("svc-anything"))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
        assertThatThrownBy(() -> wrong.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-unauthorized", new SymmetricKeyAttestation(null, null))))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
        assertThat(server.store().findEnrollment("svc-unauthorized")).isEmpty();
    }

    @Test
    void unknownPolicyName_whenUsed_thenUnauthorized() {
        ProvisioningServiceClient unknown = ProvisioningServiceClient.createFromConnectionString(
                connectionString("nosuchpolicy", ownerKey));

        assertThatThrownBy(() -> unknown.getIndividualEnrollment("svc-anything"))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
    }

    @Test
    void expiredToken_whenSentRaw_thenUnauthorizedWithDpsErrorBody_whileAFreshOneIsAccepted() throws Exception {
        String expired = SasTokens.create("localhost", ownerKey, Instant.now().minusSeconds(3600), OWNER);
        String fresh = SasTokens.create("localhost", ownerKey, Instant.now().plusSeconds(3600), OWNER);

        RawHttpsClient.Response refused = rawGet("/enrollments/svc-nobody?api-version=2021-10-01", expired);
        RawHttpsClient.Response accepted = rawGet("/enrollments/svc-nobody?api-version=2021-10-01", fresh);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("errorCode").asInt()).isEqualTo(401002);
        assertThat(refused.json().path("message").asText()).contains("expired");
        assertThat(refused.json().path("trackingId").asText()).isNotBlank();
        assertThat(accepted.status()).isEqualTo(404);
        assertThat(accepted.json().path("errorCode").asInt()).isEqualTo(404202);
    }

    @Test
    void policyWithoutEnrollmentWrite_whenWriting_thenRefused_whileReadingWorks() throws Exception {
        client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-read-only", new SymmetricKeyAttestation(null, null)));
        ProvisioningServiceClient reader = ProvisioningServiceClient.createFromConnectionString(
                connectionString(READER, READER_KEY));

        assertThat(reader.getIndividualEnrollment("svc-read-only").getRegistrationId()).isEqualTo("svc-read-only");
        // 403 is not one of the statuses the SDK maps to a type of its own
        assertThatThrownBy(() -> reader.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-by-reader", new SymmetricKeyAttestation(null, null))))
                .isInstanceOf(ProvisioningServiceClientBadUsageException.class)
                .hasMessageContaining("EnrollmentWrite");
        assertThatThrownBy(() -> reader.deleteIndividualEnrollment("svc-read-only"))
                .isInstanceOf(ProvisioningServiceClientBadUsageException.class);
        assertThatThrownBy(() -> reader.deleteDeviceRegistrationState("svc-read-only"))
                .isInstanceOf(ProvisioningServiceClientBadUsageException.class)
                .hasMessageContaining("RegistrationStatusWrite");
        assertThat(server.store().findEnrollment("svc-by-reader")).isEmpty();
        assertThat(server.store().findEnrollment("svc-read-only")).isPresent();

        String token = SasTokens.create("localhost", READER_KEY, Instant.now().plusSeconds(600), READER);
        RawHttpsClient.Response forbidden = raw(RawHttpsClient.request("DELETE",
                "/enrollments/svc-read-only?api-version=2021-10-01").header("Host", "localhost")
                .header("Authorization", token));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().path("errorCode").asInt()).isEqualTo(403001);
    }

    // ---- keys only for readers; a replace must be asked for (issue 11 case 4) ----

    @Test
    void writerWithoutEnrollmentRead_whenCreating_thenTheReplyCarriesNoKey_whileDevicesUseTheGeneratedOnes()
            throws Exception {
        ProvisioningServiceClient writer = ProvisioningServiceClient.createFromConnectionString(
                connectionString(WRITER, WRITER_KEY));

        IndividualEnrollment created = writer.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-writer-1", new SymmetricKeyAttestation(null, null)));
        EnrollmentGroup group = writer.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup("svc-writer-group", new SymmetricKeyAttestation(null, null)));

        assertThat(created.getEtag()).isNotBlank();
        assertThat(((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey()).isNull();
        assertThat(((SymmetricKeyAttestation) created.getAttestation()).getSecondaryKey()).isNull();
        assertThat(((SymmetricKeyAttestation) group.getAttestation()).getPrimaryKey()).isNull();
        assertThatThrownBy(() -> writer.getIndividualEnrollmentAttestationMechanism("svc-writer-1"))
                .isInstanceOf(ProvisioningServiceClientBadUsageException.class).hasMessageContaining("EnrollmentRead");
        // a reader gets the keys the server generated, and a device provisions with them
        String key = ((SymmetricKeyAttestation) client.getIndividualEnrollmentAttestationMechanism("svc-writer-1")
                .getAttestation()).getPrimaryKey();
        assertThat(device.register("svc-writer-1", key).getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    /** The reproduction of issue 11 case 4, over raw HTTPS: a writer's minimal PUT got the stored key back. */
    @Test
    void writerWithoutEnrollmentRead_whenReplacingOverRawHttps_thenTheStoredKeysAreNotReturned() throws Exception {
        String primary = SymmetricKeyProvisioningIT.newKey();
        String groupKey = SymmetricKeyProvisioningIT.newKey();
        client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-writer-a",
                new SymmetricKeyAttestation(primary, SymmetricKeyProvisioningIT.newKey())));
        client.createOrUpdateEnrollmentGroup(new EnrollmentGroup("svc-writer-g",
                new SymmetricKeyAttestation(groupKey, SymmetricKeyProvisioningIT.newKey())));
        String writerToken = SasTokens.create("localhost", WRITER_KEY, Instant.now().plusSeconds(600), WRITER);

        RawHttpsClient.Response enrollment = raw(RawHttpsClient.request("PUT",
                "/enrollments/svc-writer-a?api-version=2021-10-01").header("Host", "localhost")
                .header("Authorization", writerToken).header("If-Match", "*").header("Content-Type", "application/json")
                .body("{\"registrationId\":\"svc-writer-a\",\"attestation\":{\"type\":\"symmetricKey\"}}"));
        RawHttpsClient.Response group = raw(RawHttpsClient.request("PUT",
                "/enrollmentGroups/svc-writer-g?api-version=2021-10-01").header("Host", "localhost")
                .header("Authorization", writerToken).header("If-Match", "*").header("Content-Type", "application/json")
                .body("{\"enrollmentGroupId\":\"svc-writer-g\",\"attestation\":{\"type\":\"symmetricKey\"}}"));

        assertThat(enrollment.status()).as("%s", enrollment).isEqualTo(200);
        assertThat(enrollment.text()).doesNotContain(primary);
        assertThat(enrollment.json().at("/attestation/symmetricKey/primaryKey").isMissingNode()).isTrue();
        assertThat(group.status()).as("%s", group).isEqualTo(200);
        assertThat(group.text()).doesNotContain(groupKey);
        assertThat(((SymmetricKeyAttestation) client.getIndividualEnrollmentAttestationMechanism("svc-writer-a")
                .getAttestation()).getPrimaryKey()).as("the key is kept").isEqualTo(primary);
    }

    @Test
    void existingEnrollment_whenPutWithoutEtagOrIfMatch_thenConflictAndUnchanged_whileAnUpdateWithItsEtagWorks()
            throws Exception {
        IndividualEnrollment first = new IndividualEnrollment("svc-replace", new SymmetricKeyAttestation(null, null));
        first.setDeviceId("svc-replace-device");
        client.createOrUpdateIndividualEnrollment(first);

        // the service client sends If-Match only when the document has an etag: a new object has none
        assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-replace", new SymmetricKeyAttestation(null, null))))
                .isInstanceOf(ProvisioningServiceClientBadUsageException.class).hasMessageContaining("If-Match");
        RawHttpsClient.Response raw = rawPut("/enrollments/svc-replace?api-version=2021-10-01",
                "{\"registrationId\":\"svc-replace\",\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(raw.status()).isEqualTo(409);
        assertThat(raw.json().path("errorCode").asInt()).isEqualTo(409001);
        assertThat(raw.header("x-ms-error-code")).isEqualTo("409001");
        assertThat(client.getIndividualEnrollment("svc-replace").getDeviceId()).isEqualTo("svc-replace-device");

        IndividualEnrollment read = client.getIndividualEnrollment("svc-replace");
        read.setProvisioningStatus(ProvisioningStatus.DISABLED);
        assertThat(client.createOrUpdateIndividualEnrollment(read).getProvisioningStatus())
                .isEqualTo(ProvisioningStatus.DISABLED);
        RawHttpsClient.Response star = raw(RawHttpsClient
                .request("PUT", "/enrollments/svc-replace?api-version=2021-10-01")
                .header("Host", "localhost").header("If-Match", "*").header("Content-Type", "application/json")
                .header("Authorization", SasTokens.create("localhost", ownerKey, Instant.now().plusSeconds(600), OWNER))
                .body("{\"registrationId\":\"svc-replace\",\"attestation\":{\"type\":\"symmetricKey\"}}"));
        assertThat(star.status()).as("%s", star).isEqualTo(200);
        assertThat(star.json().has("deviceId")).as("If-Match: * replaces every field").isFalse();
    }

    @Test
    void staleEtag_whenUpdatingOrDeleting_thenPreconditionFailed() throws Exception {
        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-etag", new SymmetricKeyAttestation(null, null)));
        String staleEtag = created.getEtag();
        created.setDeviceId("svc-etag-device");
        IndividualEnrollment updated = client.createOrUpdateIndividualEnrollment(created);
        assertThat(updated.getEtag()).isNotEqualTo(staleEtag);

        IndividualEnrollment stale = client.getIndividualEnrollment("svc-etag");
        stale.setEtag(staleEtag);
        stale.setDeviceId("lost-update");
        assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(stale))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
        assertThatThrownBy(() -> client.deleteIndividualEnrollment("svc-etag", staleEtag))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
        assertThat(client.getIndividualEnrollment("svc-etag").getDeviceId()).isEqualTo("svc-etag-device");

        EnrollmentGroup group = client.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup("svc-etag-group", new SymmetricKeyAttestation(null, null)));
        group.setEtag("\"not-the-etag\"");
        assertThatThrownBy(() -> client.createOrUpdateEnrollmentGroup(group))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
    }

    @Test
    void invalidRegistrationId_whenPut_thenBadFormatNamingTheField() throws Exception {
        assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc-ends-with-dot.", new SymmetricKeyAttestation(null, null))))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class)
                .hasMessageContaining("registrationId");

        RawHttpsClient.Response raw = rawPut("/enrollments/svc-ends-with-dot.?api-version=2021-10-01",
                "{\"registrationId\":\"svc-ends-with-dot.\",\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.json().path("errorCode").asInt()).isEqualTo(400004);
        assertThat(raw.json().path("message").asText()).contains("registrationId");
    }

    @Test
    void symmetricKeyOfEightBytes_whenPut_thenBadFormatNamingTheField() throws Exception {
        String eightBytes = Base64.getEncoder().encodeToString(new byte[8]);

        assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-short-key",
                new SymmetricKeyAttestation(eightBytes, SymmetricKeyProvisioningIT.newKey()))))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class)
                .hasMessageContaining("attestation.symmetricKey.primaryKey");

        RawHttpsClient.Response raw = rawPut("/enrollments/svc-short-key?api-version=2021-10-01",
                "{\"registrationId\":\"svc-short-key\",\"attestation\":{\"type\":\"symmetricKey\","
                        + "\"symmetricKey\":{\"primaryKey\":\"" + eightBytes + "\"}}}");
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.json().path("errorCode").asInt()).isEqualTo(400004);
        assertThat(raw.json().path("message").asText()).contains("attestation.symmetricKey.primaryKey");
        assertThat(server.store().findEnrollment("svc-short-key")).isEmpty();
    }

    @Test
    void staticPolicyWithTwoHubs_whenPut_thenBadFormatNamingTheField() throws Exception {
        EnrollmentGroup group = new EnrollmentGroup("svc-static-two", new SymmetricKeyAttestation(null, null));
        group.setAllocationPolicy(AllocationPolicy.STATIC);
        group.setIotHubs(List.of(HUB, STATIC_HUB));

        assertThatThrownBy(() -> client.createOrUpdateEnrollmentGroup(group))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class)
                .hasMessageContaining("iotHubs");

        RawHttpsClient.Response raw = rawPut("/enrollmentGroups/svc-static-two?api-version=2021-10-01",
                "{\"enrollmentGroupId\":\"svc-static-two\",\"attestation\":{\"type\":\"symmetricKey\"},"
                        + "\"allocationPolicy\":\"static\",\"iotHubs\":[\"" + HUB + "\",\"" + STATIC_HUB + "\"]}");
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.json().path("errorCode").asInt()).isEqualTo(400004);
        assertThat(raw.json().path("message").asText()).contains("iotHubs");
        assertThat(server.store().findGroup("svc-static-two")).isEmpty();
    }

    @Test
    void unknownIds_whenReadOrDeleted_thenNotFound() {
        assertThatThrownBy(() -> client.getIndividualEnrollment("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.getIndividualEnrollmentAttestationMechanism("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.deleteIndividualEnrollment("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.getEnrollmentGroup("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.deleteEnrollmentGroup("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.getDeviceRegistrationState("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> client.deleteDeviceRegistrationState("svc-missing"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    // ---- helpers ----

    private static X509Bundle x509Root(String subject) throws Exception {
        return new CertificateBuilder().subject(subject).ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign, CertificateBuilder.KeyUsage.cRLSign)
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(30)))
                .buildSelfSigned();
    }

    private static CertificateBuilder x509Device(String registrationId) {
        return new CertificateBuilder().subject("CN=" + registrationId).ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature).addExtendedKeyUsageClientAuth()
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(30)));
    }

    private static String connectionString(String policy, String key) {
        return "HostName=localhost;SharedAccessKeyName=" + policy + ";SharedAccessKey=" + key;
    }

    /** The owner key, as an operator would copy it from the data directory. */
    private static String ownerKey(Path dataDir) throws Exception {
        JsonNode policies = new ObjectMapper().readTree(dataDir.resolve("service-policies.json").toFile());
        for (JsonNode policy : policies) {
            if (policy.path("name").asText().equals(OWNER)) {
                return policy.path("primaryKey").asText();
            }
        }
        throw new AssertionError("no owner policy in " + policies);
    }

    private static RawHttpsClient.Response rawGet(String target, String authorization) throws Exception {
        return raw(RawHttpsClient.request("GET", target).header("Host", "localhost")
                .header("Authorization", authorization));
    }

    private static RawHttpsClient.Response rawPut(String target, String json) throws Exception {
        String token = SasTokens.create("localhost", ownerKey, Instant.now().plusSeconds(600), OWNER);
        return raw(RawHttpsClient.request("PUT", target).header("Host", "localhost")
                .header("Authorization", token).header("Content-Type", "application/json").body(json));
    }

    private static RawHttpsClient.Response raw(RawHttpsClient.Request request) throws Exception {
        try (RawHttpsClient http = RawHttpsClient.connect(TestServers.SDK_HTTPS_PORT, server.caCertificate())) {
            return http.exchange(request);
        }
    }

    private static SSLContext trusting(Path caCertificate) throws Exception {
        KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            trustStore.setCertificateEntry("dpsemu-ca",
                    CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
