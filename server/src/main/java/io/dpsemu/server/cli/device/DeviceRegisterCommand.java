package io.dpsemu.server.cli.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.loadgen.Durations;
import io.dpsemu.loadgen.LoadgenCommand;
import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.device.PemFiles;
import io.dpsemu.loadgen.flow.FlowSettings;
import io.dpsemu.loadgen.flow.PollPacing;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import io.dpsemu.loadgen.net.ClientTransport;
import io.dpsemu.loadgen.net.Connector;
import io.dpsemu.loadgen.net.TlsClient;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.auth.SymmetricKeys;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.cli.cert.Certificates;
import io.dpsemu.server.cli.manage.DataDirectory;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.x509.CertificateFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dpsemu device register}: one device's provisioning, step by step, with the protocol clients of
 * {@code dpsemu loadgen} (one implementation of the device side for both commands).
 */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Provision one device as a device does (MQTT, MQTT over WebSocket or HTTPS; symmetric key,"
                + " group-derived key or X.509) and print each step: connection and TLS, the register request,"
                + " every poll with its status and retry-after, then the result (assigned hub, device id,"
                + " substatus, payload) or the server's reason for refusing the device.",
            "With --csr the device asks for a certificate as well: the server checks the request and signs it, and"
                + " the command prints the issued certificate and writes its chain (--issued-cert).",
            "Defaults come from the local server's data directory (--data-dir, default ./dpsemu-data): the id"
                + " scope it generated and its CA, tls/ca.pem."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:assigned",
            "1:refused: an error answer (DPS errorCode and message, a refused --csr included), a failed or disabled"
                + " registration, or a refused MQTT CONNECT/SUBSCRIBE",
            "2:bad arguments (an unreadable --csr file, an existing --issued-cert file without --force)",
            "3:no verdict: the server is unreachable, TLS failed, the connection closed, no final answer within"
                + " --timeout, an answer that is not DPS's (assigned without the certificate --csr asked for), or"
                + " the issued certificate could not be written"},
        footer = {"", "Examples (the first three against `./dpsemu serve` in this directory):",
            "  dpsemu device register thermostat-1 --key \"$DEVICE_KEY\"",
            "  dpsemu device register thermostat-7 --group-key \"$GROUP_KEY\" --transport https",
            "  dpsemu device register --cert device-01.pem --cert-key device-01-key.pem",
            "  dpsemu device register sensor-1 --key \"$KEY\" --host dps.example \\",
            "      --ca ca.pem --id-scope 0ne3F9A21C7 --payload '{\"modelId\":\"dtmi:x:y;1\"}'",
            "  dpsemu device register thermostat-1 --key \"$DEVICE_KEY\" --csr dev.csr --issued-cert dev-chain.pem"})
final class DeviceRegisterCommand implements Callable<Integer> {

    static final int ASSIGNED = 0;
    static final int REFUSED = 1;
    static final int BAD_ARGUMENTS = 2;
    static final int NO_VERDICT = 3;
    /** What the SDKs offer; the server may allow TLS 1.3 as well. */
    private static final String TLS_PROTOCOL = "TLSv1.2";
    /** The flow's own deadline always ends it first; this only guards against a flow that never reports. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REG_ID",
            description = "the registration id (with --cert, default: the certificate's CN)")
    String registrationId;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nAttestation (one of):%n", order = 1)
    Attestation attestation;

    @Option(names = "--transport", paramLabel = "mqtt|mqttws|https", order = 10,
            converter = LoadgenCommand.TransportConverter.class, description = "device transport (default mqtt)")
    ClientTransport transport = ClientTransport.MQTT;

    @Option(names = "--host", paramLabel = "NAME", order = 11,
            description = "server host name, checked against its certificate (default localhost)")
    String host = "localhost";

    @Option(names = "--port", paramLabel = "PORT", order = 12,
            description = "server port (default 8883 for mqtt, 443 for mqttws and https)")
    Integer port;

    @Option(names = "--id-scope", paramLabel = "SCOPE", order = 13,
            description = "the server's id scope (default: the one kept in --data-dir)")
    String idScope;

    @Option(names = "--data-dir", paramLabel = "DIR", order = 14,
            description = "a local server's data directory, for the id scope and tls/ca.pem"
                    + " (default $DPSEMU_DATA_DIR, else ./dpsemu-data)")
    Path dataDir;

    @Option(names = "--ca", paramLabel = "FILE", order = 15,
            description = "PEM CA certificate(s) to trust (default: <data-dir>/tls/ca.pem when it exists, else the"
                    + " JVM's trust store)")
    Path ca;

    @Option(names = "--payload", paramLabel = "JSON", order = 16,
            description = "the payload of the register request, passed to a custom allocation webhook")
    String payload;

    @Option(names = "--timeout", paramLabel = "TIME", order = 17, converter = Durations.class,
            description = "how long the whole registration may take, polls included (default 60s)")
    Duration timeout = Duration.ofSeconds(60);

    @Option(names = "--csr", paramLabel = "FILE", order = 18,
            description = "a PKCS#10 certificate signing request (PEM 'CERTIFICATE REQUEST' or DER, CN = REG_ID)"
                    + " sent with the register request, with api-version " + FlowSettings.CSR_API_VERSION
                    + ": the server signs it and answers with the issued certificate and its chain")
    Path csr;

    @Option(names = "--issued-cert", paramLabel = "FILE", order = 19,
            description = "with --csr: write the issued certificate chain there as PEM, leaf first (the file for"
                    + " --cert on the next registration)")
    Path issuedCert;

    @Option(names = "--force", order = 20, description = "overwrite an existing --issued-cert file")
    boolean force;

    static final class Attestation {

        @Option(names = "--key", paramLabel = "BASE64", required = true,
                description = "the symmetric key of the device's individual enrollment")
        String key;

        @Option(names = "--group-key", paramLabel = "BASE64", required = true,
                description = "the key of a symmetric-key enrollment group: the device signs with the key derived"
                        + " from it for REG_ID, as the SDK samples do")
        String groupKey;

        @ArgGroup(exclusive = false)
        X509 x509;
    }

    static final class X509 {

        @Option(names = "--cert", paramLabel = "FILE", required = true,
                description = "PEM device certificate, optionally followed by the intermediates it sends (as"
                        + " `dpsemu cert device` writes it)")
        Path certificate;

        @Option(names = "--cert-key", paramLabel = "FILE", required = true,
                description = "PEM private key of the device certificate (unencrypted)")
        Path key;
    }

    /** Input that stops the command before it connects: exit code 2. */
    private static final class BadArgumentException extends RuntimeException {
        BadArgumentException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Device device;
        FlowSettings settings;
        TlsClient tls;
        int targetPort;
        CertificateRequestFile request;
        try {
            device = device(err);
            request = certificateRequest(device.registrationId(), err);
            if (request != null) {
                device = device.withCsr(request.base64());
            }
            targetPort = port == null ? transport.defaultPort() : port;
            if (targetPort < 1 || targetPort > 65_535) {
                throw new BadArgumentException("--port must be 1-65535, not " + targetPort);
            }
            if (timeout.isZero() || timeout.isNegative()) {
                throw new BadArgumentException("--timeout must be longer than 0");
            }
            settings = new FlowSettings(idScope(), PollPacing.SDK, TopicLayout.DPS, false, timeout, payload());
            tls = new TlsClient(trustedCa(), TLS_PROTOCOL, false, device.usesCertificate(), host, targetPort);
        } catch (BadArgumentException | IllegalArgumentException | UncheckedIOException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return BAD_ARGUMENTS;
        } catch (IllegalStateException e) {
            // no TLS client here (OpenSSL missing): nothing was tried
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return NO_VERDICT;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            out.println("no verdict: cannot resolve --host '" + host + "': " + e.getMessage());
            out.flush();
            return NO_VERDICT;
        }
        out.println("registering '" + device.registrationId() + "' (id scope " + settings.idScope() + ") with "
                + host + ":" + targetPort + " over " + transport.label());
        out.flush();
        RegistrationTrace trace = new RegistrationTrace(out);
        try (Connector connector = new Connector(transport, address, host, targetPort, tls, settings, 1)) {
            connector.launch(device, true, trace);
            int verdict = trace.await(timeout.plus(GRACE));
            return verdict == ASSIGNED && request != null ? keepIssued(trace.issuedChain(), request, out, err)
                    : verdict;
        } finally {
            out.flush();
        }
    }

    private Device device(PrintWriter err) {
        if (attestation.x509 != null) {
            return certificateDevice(err);
        }
        String id = checkedId(registrationId);
        if (attestation.key != null) {
            SymmetricKeys.problem(attestation.key).ifPresent(problem -> {
                throw new BadArgumentException("--key " + problem);
            });
            return Device.withKey(id, attestation.key);
        }
        try {
            return Device.withKey(id, DerivedKeys.deviceKey(attestation.groupKey, id));
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("--group-key is not base64");
        }
    }

    private Device certificateDevice(PrintWriter err) {
        List<X509Certificate> chain = PemFiles.certificates(attestation.x509.certificate);
        PrivateKey key = PemFiles.privateKey(attestation.x509.key);
        X509Certificate leaf = chain.get(0);
        if (!belongsTo(key, leaf)) {
            throw new BadArgumentException("--cert-key " + attestation.x509.key + " is not the key of the"
                    + " certificate " + leaf.getSubjectX500Principal().getName() + " in --cert");
        }
        String commonName = CertificateFacts.commonName(leaf);
        if (registrationId == null && commonName == null) {
            throw new BadArgumentException("the certificate in --cert has no CN: give REG_ID");
        }
        String id = checkedId(registrationId != null ? registrationId : commonName);
        if (!id.equalsIgnoreCase(commonName)) {
            // sent anyway: the server's verdict is what the user wants to see
            err.println("note: the certificate's CN is '" + commonName + "'; DPS takes the registration id from"
                    + " it, so '" + id + "' is expected to be refused");
            err.flush();
        }
        return new Device(id, null, key, chain.toArray(X509Certificate[]::new));
    }

    /** The --csr request, or null without --csr; --issued-cert is checked here so that nothing is sent in vain. */
    private CertificateRequestFile certificateRequest(String id, PrintWriter err) {
        if (csr == null) {
            if (issuedCert != null) {
                throw new BadArgumentException("--issued-cert needs --csr: a certificate is issued only for a CSR");
            }
            return null;
        }
        if (issuedCert != null) {
            if (Files.isDirectory(issuedCert)) {
                throw new BadArgumentException("--issued-cert " + issuedCert + " is a directory");
            }
            if (Files.exists(issuedCert) && !force) {
                throw new BadArgumentException("--issued-cert " + issuedCert + " already exists (use --force to"
                        + " overwrite it)");
            }
        }
        CertificateRequestFile request = CertificateRequestFile.read(csr);
        if (!id.equalsIgnoreCase(request.commonName())) {
            // sent anyway: the server's verdict is what the user wants to see
            err.println("note: the CSR's CN is " + (request.commonName() == null ? "missing" : "'"
                    + request.commonName() + "'") + "; DPS issues certificates only for CN = the registration id '"
                    + id + "', so the request is expected to be refused");
            err.flush();
        }
        return request;
    }

    /** Reports the issued certificate and writes --issued-cert: the registration's last step with --csr. */
    private int keepIssued(List<X509Certificate> chain, CertificateRequestFile request, PrintWriter out,
            PrintWriter err) {
        if (!chain.get(0).getPublicKey().equals(request.publicKey())) {
            out.println("no verdict: the issued certificate " + CertificateFacts.describe(chain.get(0)) + " does not"
                    + " hold the public key of the CSR " + request.file() + "; it was not written");
            return NO_VERDICT;
        }
        String what = "issued certificate chain (" + chain.size() + (chain.size() == 1 ? " certificate" :
                " certificates") + ", leaf first)";
        Instant now = Instant.now();
        if (issuedCert == null) {
            out.println(what + ", not saved (give --issued-cert FILE to keep it):");
            Certificates.reportCertificates(out, chain, now);
            return ASSIGNED;
        }
        try {
            Path directory = issuedCert.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Pem.writeCertificates(issuedCert, chain);
        } catch (IOException | UncheckedIOException e) {
            err.println(spec.qualifiedName() + ": the certificate was issued but cannot be written to --issued-cert "
                    + issuedCert + ": " + e.getMessage());
            err.flush();
            return NO_VERDICT;
        }
        Certificates.reportCertificateFile(out, what + " to", issuedCert, chain, now);
        return ASSIGNED;
    }

    private static String checkedId(String id) {
        if (id == null) {
            throw new BadArgumentException("give the registration id (REG_ID)");
        }
        RegistrationIds.problem(id).ifPresent(problem -> {
            throw new BadArgumentException("REG_ID '" + id + "' " + problem);
        });
        return id;
    }

    private String idScope() {
        if (idScope != null) {
            if (idScope.isBlank()) {
                throw new BadArgumentException("--id-scope is empty");
            }
            return idScope.strip();
        }
        DataDirectory data = DataDirectory.of(dataDir, System.getenv());
        return data.idScope().orElseThrow(() -> new BadArgumentException("--id-scope is required: there is no id"
                + " scope in " + data.path() + " (start the server with this --data-dir, or give the id scope it"
                + " printed)"));
    }

    private Path trustedCa() {
        if (ca != null && !Files.isRegularFile(ca)) {
            throw new BadArgumentException("--ca: no such file: " + ca);
        }
        return DataDirectory.of(dataDir, System.getenv()).trustedCa(ca);
    }

    private JsonNode payload() {
        if (payload == null) {
            return null;
        }
        try {
            return DpsJson.mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            throw new BadArgumentException("--payload is not JSON: " + e.getOriginalMessage());
        }
    }

    /** An unusual key type is left to the TLS handshake to judge; an EC or RSA key must be the certificate's. */
    private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        return KeyMaterial.signatureAlgorithm(key) == null || KeyMaterial.matches(key, certificate);
    }
}
