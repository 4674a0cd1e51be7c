package io.dpsemu.server.it;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.logs.LogCapture;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.pkitesting.X509Bundle;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 case 7: device-supplied text reached the log raw, so a device could write lines of its own
 * ({@code %0A} in an HTTPS path, {@code \n} in an MQTT client id) or put a NUL into a log file (a
 * certificate CN). Every value now goes through one escaping function; these tests send each over the
 * wire to a real server and read what it logged.
 */
@Timeout(60)
class LogEscapingIT {

    /** What a forger wants to see as a line of its own. */
    private static final String FORGED = "INFO  dps.events - DPS-3001 assigned registrationId=victim";

    @EphemeralServer
    static DpsServer server;

    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    @Test
    void httpsPath_withAnEncodedNewline_isLoggedEscapedOnOneLine() throws Exception {
        // the id scope segment: the registration id's own rules refuse control characters before any log line
        String idScope = "0ne0000%0A" + FORGED.replace(" ", "%20");
        RawMqttDevice device = new RawMqttDevice("0ne0000\n" + FORGED, "log-https-device", RawMqttDevice.newKey());
        String target = "/" + idScope + "/registrations/log-https-device/register?api-version=2021-10-01";

        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            RawHttpsClient.Response response = client.exchange(RawHttpsClient.request("PUT", target)
                    .header("Host", client.host()).header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken()).body("{}"));
            assertThat(response.status()).as("%s", response).isBetween(400, 499);
        }

        assertEscaped("0ne0000\\n" + FORGED);
    }

    @Test
    void mqttClientId_withANewline_isLoggedEscapedOnOneLine() throws Exception {
        RawMqttDevice device = enroll("log-mqtt-device");
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate())) {
            client.send(connect("log-mqtt-device\r\n" + FORGED).username(device.username())
                    .password(device.sasToken()).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x02);
        }

        assertEscaped("log-mqtt-device\\r\\n" + FORGED);
    }

    @Test
    void mqttUsername_withANewline_isLoggedEscapedOnOneLine() throws Exception {
        RawMqttDevice device = enroll("log-mqtt-username");
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate())) {
            client.send(connect("log-mqtt-username").username(server.idScope() + "/registrations/log-mqtt-username\n"
                    + FORGED + "/api-version=2019-03-31").password(device.sasToken()).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isNotZero();
        }

        assertEscaped("('\\n')");
    }

    @Test
    void certificateCommonName_withANul_isLoggedEscaped() throws Exception {
        RawMqttDevice device = enroll("log-cn-device");
        KeyManager[] certificate = selfSigned("log-cn-device\u0000" + FORGED);
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate(), certificate)) {
            // no password: an X.509 device attests with its certificate alone
            client.send(connect("log-cn-device").username(device.username()).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x05);
        }

        assertEscaped("log-cn-device\\u0000" + FORGED);
    }

    /** The value appears escaped in a captured line, and no line carries a control character. */
    private void assertEscaped(String escaped) {
        List<String> messages = logs.messages();
        assertThat(messages).as("log lines").anySatisfy(line -> assertThat(line).contains(escaped));
        assertThat(messages).allSatisfy(line -> assertThat(line.chars())
                .as("control characters in %s", line).noneMatch(c -> c < 0x20 || c == 0x7f));
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    /** A self-signed client certificate whose CN is {@code commonName} exactly, NUL included (a UTF8String). */
    private static KeyManager[] selfSigned(String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, new DERUTF8String(commonName))
                .build();
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return X509Bundle.fromCertificatePath(new X509Certificate[] {certificate}, certificate, keys)
                .toKeyManagerFactory().getKeyManagers();
    }
}
