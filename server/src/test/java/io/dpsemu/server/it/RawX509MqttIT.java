package io.dpsemu.server.it;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** X.509 devices at the byte level: the CONNECT identity check, and the certificate facts in the result. */
@Timeout(60)
class RawX509MqttIT {

    private static final List<String> INFO_FIELDS = List.of("subjectName", "sha1Thumbprint", "sha256Thumbprint",
            "issuerName", "notBeforeUtc", "notAfterUtc", "serialNumber", "version");

    @EphemeralServer
    static DpsServer server;

    private static X509Bundle root;

    @BeforeAll
    static void enrollRootGroup() throws Exception {
        root = new CertificateBuilder().subject("CN=raw root").ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign).buildSelfSigned();
        server.store().putGroup(new EnrollmentGroup("raw-root-group", new AttestationMechanism(AttestationType.X509,
                null, new X509Attestation(null, new X509Certificates(
                        new X509CertificateWithInfo(root.getCertificatePEM(), null), null), null), null),
                null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null, null), null);
    }

    @Test
    void connect_whenCertificateCnDiffersFromClientId_thenConnack05AndClose() throws Exception {
        X509Bundle device = device("raw-cn-a");
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate(),
                device.toKeyManagerFactory().getKeyManagers())) {
            client.send(connect("raw-cn-b").username(username("raw-cn-b")).bytes());

            RawMqttReply connAck = client.next(MqttMessageType.CONNACK);
            assertThat(connAck.returnCode()).isEqualTo(0x05);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void register_whenGroupCertificateAttests_thenResultCarriesCompleteCertificateFacts() throws Exception {
        X509Bundle device = device("raw-x509-device");
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate(),
                device.toKeyManagerFactory().getKeyManagers())) {
            client.send(connect("raw-x509-device").username(username("raw-x509-device")).bytes());
            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();
            client.send(subscribeResponses(1, 1));
            client.next(MqttMessageType.SUBACK);

            client.send(register("1", 0, 0, ""));
            RawMqttReply accepted = client.next(MqttMessageType.PUBLISH);
            assertThat(accepted.status()).isEqualTo(202);
            String operationId = accepted.json().path("operationId").asText();

            JsonNode state = pollUntilDone(client, operationId).json().path("registrationState");
            assertThat(state.path("status").asText()).isEqualTo("assigned");
            assertThat(state.path("deviceId").asText()).isEqualTo("raw-x509-device");
            JsonNode x509 = state.path("x509");
            assertThat(x509.path("enrollmentGroupId").asText()).isEqualTo("raw-root-group");
            for (String field : INFO_FIELDS) {
                assertThat(x509.path("certificateInfo").hasNonNull(field)).as("certificateInfo.%s", field).isTrue();
                assertThat(x509.path("signingCertificateInfo").hasNonNull(field))
                        .as("signingCertificateInfo.%s", field).isTrue();
            }
            assertThat(x509.path("certificateInfo").path("subjectName").asText()).isEqualTo("CN=raw-x509-device");
            assertThat(x509.path("signingCertificateInfo").path("subjectName").asText()).isEqualTo("CN=raw root");
        }
    }

    private static RawMqttReply pollUntilDone(RawMqttClient client, String operationId) throws Exception {
        for (int i = 2; i < 50; i++) {
            client.send(poll(String.valueOf(i), operationId, 0, 0));
            RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
            if (reply.status() == 200) {
                return reply;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the operation never finished");
    }

    private static String username(String registrationId) {
        return server.idScope() + "/registrations/" + registrationId + "/api-version=" + RawMqttDevice.API_VERSION;
    }

    private static X509Bundle device(String registrationId) throws Exception {
        return new CertificateBuilder().subject("CN=" + registrationId).ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature).addExtendedKeyUsageClientAuth()
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                .buildIssuedBy(root);
    }
}
