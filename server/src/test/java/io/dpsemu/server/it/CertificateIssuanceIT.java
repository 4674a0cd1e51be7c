package io.dpsemu.server.it;

import static io.dpsemu.server.it.IssuedChains.assertValidUpTo;
import static io.dpsemu.server.it.IssuedChains.csrBase64;
import static io.dpsemu.server.it.IssuedChains.decode;
import static io.dpsemu.server.it.IssuedChains.newKey;
import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.server.rawhttp.WebSocketMqtt;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.tls.Pem;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificate issuance at provisioning (docs/protocol-notes.md#api-versions) against a real dpsemu: raw
 * devices send the exact register bodies of the SDKs' CSR preview branches over MQTT, MQTT over WebSocket and
 * HTTPS, and the issued chain is checked with the JDK's PKIX validator up to the local CA
 * ({@code <dataDir>/tls/ca.pem}) or up to the root of a configured plant CA with an intermediate.
 */
@Timeout(120)
class CertificateIssuanceIT {

    private static final String PREVIEW = "2025-07-01-preview";
    private static final String STABLE = "2026-04-01";
    private static final String BEFORE_ISSUANCE = "2019-03-31";
    private static final String SERVICE_API = "?api-version=2021-10-01";
    private static final String ADMIN = "issuance-admin";
    private static final String ADMIN_KEY = RawMqttDevice.newKey();
    private static final String PLANT_POLICY = "plant";
    private static final String MODEL = "{\"modelId\":\"dtmi:dpsemu:csr;1\"}";
    private static final int MAX_POLLS = 50;

    @TempDir
    static Path dir;

    private static DpsServer server;
    private static X509Certificate localCa;
    private static X509Certificate plantRoot;
    private static X509Certificate plantIntermediate;

    enum Transport {
        MQTT, MQTTWS, HTTPS
    }

    /** The register bodies of the SDKs' CSR preview branches (docs/protocol-notes.md#register-and-poll-bodies). */
    enum SdkBody {
        /** C and embedded C: the CSR next to the registration id, on every transport. */
        C(Transport.MQTT, Transport.MQTTWS, Transport.HTTPS),
        /** Java: the payload as a JSON string; its preview sends a CSR over MQTT only. */
        JAVA(Transport.MQTT, Transport.MQTTWS),
        /** C#: no registration id; it refuses a CSR over HTTP. */
        CSHARP(Transport.MQTT, Transport.MQTTWS);

        private final List<Transport> transports;

        SdkBody(Transport... transports) {
            this.transports = List.of(transports);
        }

        String body(String registrationId, String csr) {
            return switch (this) {
                case C -> "{\"registrationId\":\"" + registrationId + "\",\"csr\":\"" + csr + "\"}";
                case JAVA -> "{\"registrationId\":\"" + registrationId + "\",\"payload\":\""
                        + MODEL.replace("\"", "\\\"") + "\",\"csr\":\"" + csr + "\"}";
                case CSHARP -> "{\"payload\":" + MODEL + ",\"csr\":\"" + csr + "\"}";
            };
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Instant now = Instant.now();
        KeyPair rootKeys = CertificateIssuer.newKeyPair(KeyType.EC);
        plantRoot = CertificateIssuer.rootCa(rootKeys, "plant root", now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(3650)));
        KeyPair intermediateKeys = CertificateIssuer.newKeyPair(KeyType.EC);
        plantIntermediate = CertificateIssuer.intermediateCa(intermediateKeys.getPublic(), "plant line 3", 0,
                plantRoot, rootKeys.getPrivate(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
        Path plantChain = dir.resolve("plant-ca.pem");
        Path plantKey = dir.resolve("plant-ca-key.pem");
        Pem.writeCertificates(plantChain, List.of(plantIntermediate, plantRoot));
        Pem.writePrivateKey(plantKey, intermediateKeys.getPrivate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plantKey))).isEqualTo("rw-------");
        Path config = Files.writeString(dir.resolve("dpsemu.yaml"), String.join("\n",
                "service:",
                "  policies:",
                "    - name: " + ADMIN,
                "      rights: [EnrollmentRead, EnrollmentWrite, RegistrationStatusRead]",
                "      primaryKey: '" + ADMIN_KEY + "'",
                "issuance:",
                "  policies:",
                "    - name: " + PLANT_POLICY,
                "      certificate: '" + plantChain + "'",
                "      key: '" + plantKey + "'",
                ""));
        Path dataDir = dir.resolve("data");
        server = DpsServer.start(ConfigLoader.load(config, Map.of(), Map.of("dataDir", dataDir.toString(),
                "store", "memory", "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0)));
        localCa = IssuedChains.readCertificate(dataDir.resolve("tls").resolve("ca.pem"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> issuingRequests() {
        return Stream.of(SdkBody.values()).flatMap(sdk -> sdk.transports.stream().flatMap(transport ->
                Stream.of(PREVIEW, STABLE).map(version -> Arguments.of(sdk, transport, version))));
    }

    @ParameterizedTest(name = "{0} body over {1}, api-version {2}")
    @MethodSource("issuingRequests")
    void csr_isSigned_andTheAssignedResultCarriesTheChainLeafFirstUpToTheLocalCa(SdkBody sdk, Transport transport,
            String apiVersion) throws Exception {
        RawMqttDevice device = enroll(id("csr", sdk, transport, apiVersion));
        KeyPair keys = newKey();

        Exchange exchange = register(transport, device, apiVersion,
                sdk.body(device.registrationId(), csrBase64(device.registrationId(), keys)));

        assertThat(exchange.registerStatus()).as("%s", exchange).isEqualTo(202);
        exchange.assigning().forEach(answer -> assertThat(answer.findValue("issuedCertificateChain"))
                .as("a 202 answer: %s", answer).isNull());
        JsonNode state = exchange.result().path("registrationState");
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        List<X509Certificate> chain = decode(state.path("issuedCertificateChain"));
        assertThat(chain).hasSize(2);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + device.registrationId());
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        assertValidUpTo(chain, localCa);
        Response lookup = lookup(device, apiVersion);
        assertThat(lookup.status()).as("%s", lookup).isEqualTo(200);
        assertThat(lookup.json().path("status").asText()).isEqualTo("assigned");
        assertThat(lookup.json().findValue("issuedCertificateChain")).as("a status lookup: %s", lookup).isNull();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void csr_withApiVersionBeforeIssuance_isIgnored_andTheDeviceIsAssignedWithoutAChain(Transport transport)
            throws Exception {
        RawMqttDevice device = enroll(id("csr-ignored", SdkBody.C, transport, BEFORE_ISSUANCE));

        Exchange exchange = register(transport, device, BEFORE_ISSUANCE,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), newKey())));

        assertThat(exchange.registerStatus()).as("%s", exchange).isEqualTo(202);
        JsonNode state = exchange.result().path("registrationState");
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        assertThat(state.has("issuedCertificateChain")).as("%s", state).isFalse();
        JsonNode record = serviceApi("GET", "/registrations/" + device.registrationId(), null).json();
        assertThat(record.has("issuedCertificate")).as("%s", record).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void csr_whoseCnIsNotTheRegistrationId_isRefusedWith400And400001(Transport transport) throws Exception {
        RawMqttDevice device = enroll(id("csr-wrong-cn", SdkBody.C, transport, PREVIEW));

        Exchange exchange = register(transport, device, PREVIEW,
                SdkBody.C.body(device.registrationId(), csrBase64("someone-else", newKey())));

        assertThat(exchange.registerStatus()).as("%s", exchange).isEqualTo(400);
        assertThat(exchange.registerAnswer().path("errorCode").asInt()).isEqualTo(ErrorCodes.BAD_REQUEST);
        assertThat(exchange.registerAnswer().path("message").asText())
                .startsWith("certificate signing request refused: ");
        assertThat(exchange.registerAnswer().path("trackingId").asText()).isNotBlank();
        assertThat(exchange.result()).isNull();
    }

    @Test
    void secondCsr_issuesANewCertificate_andTheServiceApiListsTheFirstAsSuperseded() throws Exception {
        RawMqttDevice device = enroll("csr-renewal");
        X509Certificate first = issuedLeaf(register(Transport.MQTT, device, PREVIEW,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), newKey()))));

        X509Certificate second = issuedLeaf(register(Transport.HTTPS, device, STABLE,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), newKey()))));

        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        Response record = serviceApi("GET", "/registrations/" + device.registrationId(), null);
        assertThat(record.status()).as("%s", record).isEqualTo(200);
        JsonNode issued = record.json().path("issuedCertificate");
        assertThat(new BigInteger(issued.path("serialNumber").asText(), 16)).isEqualTo(second.getSerialNumber());
        assertThat(issued.path("sha256Thumbprint").asText()).isEqualTo(sha256(second));
        assertThat(issued.path("subjectName").asText()).contains("CN=csr-renewal");
        assertThat(issued.has("certificate")).isFalse();
        JsonNode superseded = record.json().path("supersededCertificates");
        assertThat(superseded.size()).as("%s", record).isEqualTo(1);
        assertThat(new BigInteger(superseded.get(0).path("serialNumber").asText(), 16))
                .isEqualTo(first.getSerialNumber());
        assertThat(superseded.get(0).path("sha256Thumbprint").asText()).isEqualTo(sha256(first));
        assertThat(superseded.get(0).path("supersededDateTimeUtc").asText()).isNotBlank();
    }

    @Test
    void enrollmentWithCredentialPolicyName_getsTheChainOfThatPlantCa_upToItsRoot() throws Exception {
        String id = "csr-plant-device";
        String key = RawMqttDevice.newKey();
        Response created = serviceApi("PUT", "/enrollments/" + id, "{\"registrationId\":\"" + id + "\","
                + "\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + key
                + "\",\"secondaryKey\":\"" + RawMqttDevice.newKey() + "\"}},\"credentialPolicyName\":\""
                + PLANT_POLICY + "\"}");
        assertThat(created.status()).as("%s", created).isIn(200, 201);
        assertThat(created.json().path("credentialPolicyName").asText()).isEqualTo(PLANT_POLICY);
        RawMqttDevice device = new RawMqttDevice(server.idScope(), id, key);
        KeyPair keys = newKey();

        Exchange exchange = register(Transport.HTTPS, device, PREVIEW, SdkBody.C.body(id, csrBase64(id, keys)));

        List<X509Certificate> chain = decode(exchange.result().path("registrationState")
                .path("issuedCertificateChain"));
        assertThat(chain).hasSize(3);
        assertThat(chain.get(0).getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(chain.get(1)).isEqualTo(plantIntermediate);
        assertValidUpTo(chain, plantRoot);
        JsonNode issued = serviceApi("GET", "/registrations/" + id, null).json().path("issuedCertificate");
        assertThat(issued.path("credentialPolicyName").asText()).isEqualTo(PLANT_POLICY);
    }

    @Test
    void deviceReconnectingWithTheIssuedCertificate_andNoSas_isAssignedToTheSameEnrollment() throws Exception {
        RawMqttDevice device = enroll("csr-reconnect");
        KeyPair keys = newKey();
        Exchange issuing = register(Transport.MQTT, device, PREVIEW,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), keys)));
        JsonNode first = issuing.result().path("registrationState");
        List<X509Certificate> chain = decode(first.path("issuedCertificateChain"));

        Exchange reconnect = registerWithCertificate(device.registrationId(),
                IssuedChains.presenting(chain, keys.getPrivate()));

        assertThat(reconnect.registerStatus()).as("%s", reconnect).isEqualTo(202);
        JsonNode state = reconnect.result().path("registrationState");
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        assertThat(state.path("registrationId").asText()).isEqualTo(device.registrationId());
        assertThat(state.path("deviceId").asText()).isEqualTo(first.path("deviceId").asText());
        assertThat(state.path("assignedHub").asText()).isEqualTo(first.path("assignedHub").asText());
        assertThat(state.has("issuedCertificateChain")).isFalse();
    }

    @Test
    void supersededCertificate_noLongerAuthenticatesTheDevice() throws Exception {
        RawMqttDevice device = enroll("csr-superseded-reconnect");
        KeyPair firstKeys = newKey();
        List<X509Certificate> firstChain = decode(register(Transport.MQTT, device, PREVIEW,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), firstKeys))).result()
                .path("registrationState").path("issuedCertificateChain"));
        register(Transport.MQTT, device, PREVIEW,
                SdkBody.C.body(device.registrationId(), csrBase64(device.registrationId(), newKey())));

        Exchange reconnect = registerWithCertificate(device.registrationId(),
                IssuedChains.presenting(firstChain, firstKeys.getPrivate()));

        assertThat(reconnect.assigned()).as("%s", reconnect).isFalse();
    }

    // --- devices ------------------------------------------------------------------------------

    /**
     * What a device saw: the status and body of the answer to its register request and, after a 202, the 202
     * answers of its polls and the final 200 answer ({@code result}, null when the register was not accepted).
     *
     * @param registerStatus the answer's status, or {@code -rc} when MQTT CONNECT was refused with CONNACK rc
     */
    private record Exchange(int registerStatus, JsonNode registerAnswer, List<JsonNode> assigning, JsonNode result) {

        boolean assigned() {
            return result != null && "assigned".equals(result.path("status").asText());
        }
    }

    /** The two calls an MQTT device makes, over TLS or over a WebSocket. */
    private interface MqttLink {
        void send(byte[] packet) throws IOException;

        RawMqttReply next() throws IOException;
    }

    private static Exchange register(Transport transport, RawMqttDevice device, String apiVersion, String body)
            throws Exception {
        byte[] connect = RawMqttPackets.connect(device.registrationId()).username(username(device.registrationId(),
                apiVersion)).password(device.sasToken()).bytes();
        switch (transport) {
            case MQTT -> {
                try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate())) {
                    return overMqtt(link(client), connect, body);
                }
            }
            case MQTTWS -> {
                try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate());
                     WebSocketMqtt webSocket = WebSocketMqtt.upgrade(client, "/$iothub/websocket")) {
                    return overMqtt(new MqttLink() {
                        @Override
                        public void send(byte[] packet) throws IOException {
                            webSocket.send(packet);
                        }

                        @Override
                        public RawMqttReply next() throws IOException {
                            return webSocket.next();
                        }
                    }, connect, body);
                }
            }
            default -> {
                return overHttps(device, apiVersion, body);
            }
        }
    }

    /** An X.509 registration as the SDKs make it: the certificate in the TLS handshake, no password, empty body. */
    private static Exchange registerWithCertificate(String registrationId, KeyManager[] certificate)
            throws Exception {
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate(), certificate)) {
            return overMqtt(link(client), RawMqttPackets.connect(registrationId)
                    .username(username(registrationId, BEFORE_ISSUANCE)).bytes(), "");
        }
    }

    private static MqttLink link(RawMqttClient client) {
        return new MqttLink() {
            @Override
            public void send(byte[] packet) throws IOException {
                client.send(packet);
            }

            @Override
            public RawMqttReply next() throws IOException {
                return client.next();
            }
        };
    }

    private static Exchange overMqtt(MqttLink link, byte[] connect, String body) throws Exception {
        link.send(connect);
        RawMqttReply connAck = expect(link, MqttMessageType.CONNACK);
        if (connAck.returnCode() != 0) {
            return new Exchange(-connAck.returnCode(), null, List.of(), null);
        }
        link.send(RawMqttPackets.subscribeResponses(1, 0));
        expect(link, MqttMessageType.SUBACK);
        link.send(RawMqttPackets.register("1", 1, 2, body));
        RawMqttReply answer = response(link);
        if (answer.status() != 202) {
            return new Exchange(answer.status(), answer.json(), List.of(), null);
        }
        String operationId = answer.json().path("operationId").asText();
        List<JsonNode> assigning = new ArrayList<>(List.of(answer.json()));
        for (int rid = 2; rid < MAX_POLLS; rid++) {
            link.send(RawMqttPackets.poll(Integer.toString(rid), operationId, 0, 0));
            RawMqttReply polled = response(link);
            if (polled.status() != 202) {
                assertThat(polled.status()).as("%s", polled).isEqualTo(200);
                return new Exchange(202, answer.json(), assigning, polled.json());
            }
            assigning.add(polled.json());
            Thread.sleep(100);
        }
        throw new AssertionError("the operation never finished");
    }

    /** The next response PUBLISH, past the PUBACK of the register request. */
    private static RawMqttReply response(MqttLink link) throws IOException {
        RawMqttReply reply = link.next();
        while (reply.type() == MqttMessageType.PUBACK) {
            reply = link.next();
        }
        assertThat(reply.type()).as("%s", reply).isEqualTo(MqttMessageType.PUBLISH);
        return reply;
    }

    private static RawMqttReply expect(MqttLink link, MqttMessageType type) throws IOException {
        RawMqttReply reply = link.next();
        assertThat(reply.type()).as("%s", reply).isEqualTo(type);
        return reply;
    }

    private static Exchange overHttps(RawMqttDevice device, String apiVersion, String body) throws Exception {
        String base = "/" + server.idScope() + "/registrations/" + device.registrationId();
        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            Response answer = client.exchange(deviceRequest(client, "PUT", base + "/register?api-version="
                    + apiVersion, device).body(body));
            if (answer.status() != 202) {
                return new Exchange(answer.status(), answer.json(), List.of(), null);
            }
            String operationId = answer.json().path("operationId").asText();
            List<JsonNode> assigning = new ArrayList<>(List.of(answer.json()));
            for (int poll = 0; poll < MAX_POLLS; poll++) {
                Response polled = client.exchange(deviceRequest(client, "GET", base + "/operations/" + operationId
                        + "?api-version=" + apiVersion, device));
                if (polled.status() != 202) {
                    assertThat(polled.status()).as("%s", polled).isEqualTo(200);
                    return new Exchange(202, answer.json(), assigning, polled.json());
                }
                assigning.add(polled.json());
                Thread.sleep(100);
            }
            throw new AssertionError("the operation never finished");
        }
    }

    /** {@code POST /{idScope}/registrations/{id}}: the device's registration status lookup. */
    private static Response lookup(RawMqttDevice device, String apiVersion) throws IOException {
        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            return client.exchange(deviceRequest(client, "POST", "/" + server.idScope() + "/registrations/"
                    + device.registrationId() + "?api-version=" + apiVersion, device)
                    .body("{\"registrationId\":\"" + device.registrationId() + "\"}"));
        }
    }

    private static RawHttpsClient.Request deviceRequest(RawHttpsClient client, String method, String target,
            RawMqttDevice device) {
        return request(method, target)
                .header("Host", client.host())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", device.sasToken());
    }

    private static Response serviceApi(String method, String path, String body) throws IOException {
        String sas = SasTokens.create(server.config().service().hostName(), ADMIN_KEY, Instant.now().plusSeconds(600),
                ADMIN);
        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            RawHttpsClient.Request request = request(method, path + SERVICE_API)
                    .header("Host", client.host())
                    .header("Authorization", sas);
            if (body != null) {
                request.header("Content-Type", "application/json").body(body);
            }
            return client.exchange(request);
        }
    }

    private static X509Certificate issuedLeaf(Exchange exchange) {
        assertThat(exchange.assigned()).as("%s", exchange).isTrue();
        return decode(exchange.result().path("registrationState").path("issuedCertificateChain")).get(0);
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    private static String username(String registrationId, String apiVersion) {
        return server.idScope() + "/registrations/" + registrationId + "/api-version=" + apiVersion;
    }

    private static String id(String prefix, SdkBody sdk, Transport transport, String apiVersion) {
        return (prefix + "-" + sdk + "-" + transport + "-" + apiVersion).toLowerCase(Locale.ROOT);
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }
}
