package io.dpsemu.loadgen;

import io.dpsemu.loadgen.device.CertificateAuthority;
import io.dpsemu.loadgen.device.DeviceSource;
import io.dpsemu.loadgen.device.GroupKeyDevices;
import io.dpsemu.loadgen.device.KeysFile;
import io.dpsemu.loadgen.device.X509Devices;
import io.dpsemu.loadgen.flow.FlowSettings;
import io.dpsemu.loadgen.flow.PollPacing;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import io.dpsemu.loadgen.net.ClientTransport;
import io.dpsemu.loadgen.net.TlsClient;
import io.dpsemu.loadgen.stats.Summary;
import io.dpsemu.protocol.auth.RegistrationIds;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code dpsemu loadgen}: acts as many devices provisioning against a DPS-compatible server and
 * measures it. Exit status 0 when no error occurred, 1 when any did, 2 for bad options.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Provision many simulated devices against a DPS-compatible server (dpsemu or another)"
                + " and measure it: flows/s, latency percentiles, errors by kind.",
            "It only acts as devices: enroll them first (for dpsemu: a seed file given to"
                + " `dpsemu serve --enrollments`, or `dpsemu group add`)."},
        subcommands = ResponderCommand.class,
        footer = {"", "Examples (the id scope and CA are those `dpsemu serve` printed):",
            "  dpsemu loadgen --id-scope 0ne3F9A21C7 --ca dpsemu-data/tls/ca.pem \\",
            "      --group-key \"$GROUP_KEY\" --devices 5000 --warmup 1000 --concurrency 200",
            "  dpsemu loadgen --id-scope 0ne3F9A21C7 --ca dpsemu-data/tls/ca.pem \\",
            "      --transport https --keys keys.csv",
            "  dpsemu loadgen --id-scope 0ne3F9A21C7 --ca dpsemu-data/tls/ca.pem \\",
            "      --x509-ca-cert ca.pem --x509-ca-key ca-key.pem --devices 1000",
            "  dpsemu loadgen --id-scope 0ne3F9A21C7 --ca dpsemu-data/tls/ca.pem \\",
            "      --group-key \"$GROUP_KEY\" --hold 10000 --duration 2m",
            "", "The last line of standard output is the summary as one JSON object."})
public final class LoadgenCommand implements Callable<Integer> {

    /** The exit status of bad options, as picocli gives for options it cannot parse. */
    public static final int USAGE_ERROR = 2;
    private static final long DEFAULT_DEVICES = 1000;
    /** A certificate's CN, and so an X.509 registration id, has at most 64 characters. */
    private static final int MAX_X509_ID_LENGTH = 64;
    /**
     * dpsemu's own variables for its keys mqttPort, httpsPort and dataDir: where they are set (its
     * container, its systemd environment file), a server on this machine is found without options.
     */
    public static final String ENV_MQTT_PORT = "DPSEMU_MQTT_PORT";
    public static final String ENV_HTTPS_PORT = "DPSEMU_HTTPS_PORT";
    public static final String ENV_DATA_DIR = "DPSEMU_DATA_DIR";

    /** Read for the defaults of a server on this machine; tests give their own. */
    private Map<String, String> environment = System.getenv();

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--transport", paramLabel = "mqtt|mqttws|https", converter = TransportConverter.class,
            description = "device transport (default mqtt)")
    private ClientTransport transport = ClientTransport.MQTT;

    @Option(names = "--host", paramLabel = "NAME",
            description = "server host name, checked against its certificate (default localhost)")
    private String host = "localhost";

    @Option(names = "--port", paramLabel = "PORT",
            description = "server port (default for a server on this machine: $" + ENV_MQTT_PORT + " for mqtt, $"
                    + ENV_HTTPS_PORT + " for mqttws and https; else 8883 for mqtt, 443 for mqttws and https)")
    private Integer port;

    // required, but checked by plan(): picocli would demand it of `loadgen responder` too
    @Option(names = "--id-scope", paramLabel = "SCOPE", description = "the server's id scope (required)")
    private String idScope;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM certificates to trust (dpsemu: <data-dir>/tls/ca.pem); default for a server on this"
                    + " machine: $" + ENV_DATA_DIR + "/tls/ca.pem when it exists; else the JVM's trust store")
    private Path caFile;

    @Option(names = "--allow-remote", description = "allow a host that is not this machine (loopback only otherwise)")
    private boolean allowRemote;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "%nAttestation (one of, required):%n")
    private Attestation attestation;

    @Option(names = "--id-prefix", paramLabel = "PREFIX",
            description = "registration ids are PREFIX0, PREFIX1, ... (--group-key and X.509; default loadgen-)")
    private String idPrefix = "loadgen-";

    @Option(names = "--devices", paramLabel = "N", description = "measured flows, each on its own device (default 1000;"
            + " unlimited with --duration; the whole file, after the warm-up, with --keys)")
    private Long devices;

    @Option(names = "--concurrency", paramLabel = "N", description = "flows in progress at once (default 100)")
    private int concurrency = 100;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "cap on flows started per second (default none)")
    private Double rate;

    @Option(names = "--duration", paramLabel = "TIME", converter = Durations.class,
            description = "start measured flows for this long (90s, 5m); with --hold, how long to keep the sessions"
                    + " (default 60s)")
    private Duration duration;

    @Option(names = "--warmup", paramLabel = "N|TIME",
            description = "flows to run first, on devices of their own, without measuring them: a count (500) or a"
                    + " time (10s, --group-key only)")
    private String warmup;

    @Option(names = "--poll", paramLabel = "sdk|immediate", converter = PacingConverter.class,
            description = "sdk: poll after the server's retry-after (2 s without one), as the SDKs do (default);"
                    + " immediate: poll as soon as the answer arrives")
    private PollPacing pacing = PollPacing.SDK;

    @Option(names = "--hold", paramLabel = "N",
            description = "open N MQTT sessions (CONNECT and SUBSCRIBE) and keep them idle, pinging every 4 s,"
                    + " for --duration: a memory test; nothing registers")
    private Integer hold;

    @Option(names = "--timeout", paramLabel = "TIME", converter = Durations.class,
            description = "how long one flow may take, connection included (default 60s)")
    private Duration timeout = Duration.ofSeconds(60);

    @Option(names = "--tls-resumption", description = "resume TLS sessions, shared by all devices (not with X.509);"
            + " default: a full handshake per connection, as a fleet of separate devices makes")
    private boolean tlsResumption;

    @Option(names = "--tls-version", paramLabel = "1.2|1.3", description = "TLS version to offer (default 1.2, as most"
            + " SDKs)")
    private String tlsVersion = "1.2";

    @Option(names = "--threads", paramLabel = "N", description = "event-loop threads (default: one per core)")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--broker", description = "the target is a plain MQTT broker with `dpsemu loadgen responder`"
            + " attached: each device gets its responses on a topic of its own")
    private boolean broker;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON summary to FILE")
    private Path jsonFile;

    @Option(names = "--histogram", paramLabel = "FILE",
            description = "write an HdrHistogram interval log (one interval per second and measure, microseconds)")
    private Path histogramFile;

    static final class Attestation {

        @Option(names = "--group-key", paramLabel = "BASE64",
                description = "primary key of a symmetric-key enrollment group: each device signs with its derived key")
        String groupKey;

        @Option(names = "--keys", paramLabel = "FILE",
                description = "individual enrollments: lines of registrationId,base64Key")
        Path keysFile;

        @ArgGroup(exclusive = false)
        X509 x509;
    }

    static final class X509 {

        @Option(names = "--x509-ca-cert", paramLabel = "FILE", required = true,
                description = "PEM certificate of a CA enrolled as an X.509 group (then its issuers, sent along):"
                        + " a P-256 leaf with CN = registration id is made for each device at start-up")
        Path certificate;

        @Option(names = "--x509-ca-key", paramLabel = "FILE", required = true,
                description = "PEM private key of that CA")
        Path key;
    }

    @Override
    public Integer call() throws InterruptedException {
        RunPlan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println("dpsemu loadgen: " + e.getMessage());
            return USAGE_ERROR;
        }
        Summary summary = new LoadRun(plan, spec.commandLine().getOut(),
                Terminal.isInteractive() ? spec.commandLine().getErr() : null).run();
        return summary.isClean() ? 0 : 1;
    }

    /** @throws IllegalArgumentException saying which option is wrong and why */
    RunPlan plan() {
        requirePositive("--concurrency", concurrency);
        requirePositive("--threads", threads);
        if (rate != null && !(rate > 0)) {
            throw new IllegalArgumentException("--rate must be more than 0, not " + rate);
        }
        if (devices != null) {
            requirePositive("--devices", devices);
        }
        if (timeout.isZero() || timeout.isNegative()
                || (duration != null && (duration.isZero() || duration.isNegative()))) {
            throw new IllegalArgumentException("--timeout and --duration must be longer than 0");
        }
        if (idScope == null || idScope.isBlank()) {
            throw new IllegalArgumentException("--id-scope is required: the id scope the server printed at start");
        }
        if (attestation == null) {
            throw new IllegalArgumentException("the devices need an attestation: --group-key, --keys or"
                    + " --x509-ca-cert with --x509-ca-key");
        }
        InetAddress address = TargetGuard.resolve(host, allowRemote);
        boolean local = address.isLoopbackAddress();
        int targetPort = port != null ? port : local ? localPort() : transport.defaultPort();
        if (targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("--port must be 1-65535, not " + targetPort);
        }
        Path trusted = caFile == null && local ? localCa() : caFile;
        String protocol = switch (tlsVersion) {
            case "1.2" -> "TLSv1.2";
            case "1.3" -> "TLSv1.3";
            default -> throw new IllegalArgumentException("--tls-version is 1.2 or 1.3, not '" + tlsVersion + "'");
        };
        if (broker && !transport.isMqtt()) {
            throw new IllegalArgumentException("--broker needs an MQTT transport (mqtt or mqttws)");
        }
        Warmup warm = warmup();
        requireWritable("--json", jsonFile);
        requireWritable("--histogram", histogramFile);
        if (hold != null) {
            requirePositive("--hold", hold);
            if (!transport.isMqtt()) {
                throw new IllegalArgumentException(
                        "--hold keeps MQTT sessions open; it needs --transport mqtt or mqttws");
            }
            if (devices != null || !warm.isNone()) {
                throw new IllegalArgumentException("--hold N sets how many sessions to open; --devices and --warmup do"
                        + " not apply to it");
            }
        }
        if (tlsResumption && attestation.x509 != null) {
            throw new IllegalArgumentException("--tls-resumption cannot go with X.509: a resumed session carries the"
                    + " certificate of the device that made it, so every other device would present someone else's");
        }
        if (warm.isTimed() && attestation.groupKey == null) {
            throw new IllegalArgumentException("a timed --warmup needs --group-key, whose devices are unlimited; give a"
                    + " number of warm-up devices instead");
        }
        DeviceSource source = deviceSource(warm);
        long measured = measuredDevices(source, warm);
        FlowSettings flow = new FlowSettings(idScope.strip(), pacing, broker ? TopicLayout.BROKER : TopicLayout.DPS,
                hold != null, timeout);
        TlsClient tls = new TlsClient(trusted, protocol, tlsResumption, attestation.x509 != null, host, targetPort);
        return new RunPlan(transport, host, address, targetPort, tls, protocol, tlsResumption, source, measured,
                duration, warm, concurrency, rate == null ? 0 : rate, hold == null ? 0 : hold, threads, flow, jsonFile,
                histogramFile);
    }

    void environment(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The local server's port for this transport from its environment, else the transport's own. */
    private int localPort() {
        String variable = transport == ClientTransport.MQTT ? ENV_MQTT_PORT : ENV_HTTPS_PORT;
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return transport.defaultPort();
        }
        int local;
        try {
            local = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            local = 0;
        }
        if (local < 1 || local > 65_535) {
            throw new IllegalArgumentException("$" + variable + " must be the server's port, 1-65535, not '" + value
                    + "' (give --port)");
        }
        return local;
    }

    /** The CA of the local server's data directory, when its environment names one that holds it. */
    private Path localCa() {
        String dataDir = environment.get(ENV_DATA_DIR);
        if (dataDir == null || dataDir.isBlank()) {
            return null;
        }
        Path ca = Path.of(dataDir.strip(), "tls", "ca.pem");
        return Files.isRegularFile(ca) ? ca : null;
    }

    private DeviceSource deviceSource(Warmup warm) {
        if (attestation.keysFile != null) {
            return KeysFile.read(attestation.keysFile);
        }
        checkPrefix();
        if (attestation.groupKey != null) {
            try {
                return new GroupKeyDevices(attestation.groupKey, idPrefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--group-key " + e.getMessage(), e);
            }
        }
        if (duration != null && devices == null && hold == null) {
            throw new IllegalArgumentException(
                    "X.509 devices are made at start-up: with --duration, give --devices too");
        }
        long count = hold != null ? hold : warm.devices() + (devices == null ? DEFAULT_DEVICES : devices);
        String lastId = idPrefix + (count - 1);
        if (lastId.length() > MAX_X509_ID_LENGTH) {
            throw new IllegalArgumentException("--id-prefix is too long for X.509: the registration id '" + lastId
                    + "' would be longer than a certificate CN's " + MAX_X509_ID_LENGTH + " characters");
        }
        CertificateAuthority authority = CertificateAuthority.load(attestation.x509.certificate, attestation.x509.key);
        return X509Devices.issue(authority, idPrefix, count);
    }

    private long measuredDevices(DeviceSource source, Warmup warm) {
        if (hold != null) {
            if (hold > source.size()) {
                throw new IllegalArgumentException("--hold " + hold + " but the keys file lists " + source.size()
                        + " devices");
            }
            return 0;
        }
        long left = source.size() - warm.devices();
        if (left <= 0) {
            throw new IllegalArgumentException("the --warmup of " + warm.devices() + " devices leaves none of the "
                    + source.size() + " to measure");
        }
        if (devices == null) {
            if (attestation.keysFile != null) {
                return left;
            }
            return duration != null ? Long.MAX_VALUE : DEFAULT_DEVICES;
        }
        if (devices > left) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--devices %d but only %d devices are left"
                    + " after the warm-up of %d (the keys file lists %d)", devices, left, warm.devices(),
                    source.size()));
        }
        return devices;
    }

    private Warmup warmup() {
        try {
            return warmup == null ? Warmup.NONE : Warmup.parse(warmup);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--warmup " + e.getMessage(), e);
        }
    }

    /** Checked before the run, not after it, when its results would be lost. */
    private static void requireWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " " + file + ": the directory " + dir + " does not exist or is"
                    + " not writable");
        }
    }

    private void checkPrefix() {
        RegistrationIds.problem(idPrefix + "0").ifPresent(problem -> {
            throw new IllegalArgumentException("--id-prefix '" + idPrefix + "' does not make valid registration ids: "
                    + problem);
        });
    }

    private static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + value);
        }
    }

    /** Also the converter of {@code dpsemu device register --transport}. */
    public static final class TransportConverter implements CommandLine.ITypeConverter<ClientTransport> {
        @Override
        public ClientTransport convert(String value) {
            try {
                return ClientTransport.ofLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PacingConverter implements CommandLine.ITypeConverter<PollPacing> {
        @Override
        public PollPacing convert(String value) {
            for (PollPacing p : PollPacing.values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a poll pacing: sdk or immediate");
        }
    }
}
