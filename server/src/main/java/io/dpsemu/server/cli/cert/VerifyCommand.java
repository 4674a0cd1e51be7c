package io.dpsemu.server.cli.cert;

import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.provisioning.AuthOutcome;
import io.dpsemu.server.provisioning.DeviceAuthenticator;
import io.dpsemu.server.provisioning.EnrollmentMatch;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreException;
import io.dpsemu.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dpsemu cert verify}: would this chain be accepted, and by which enrollment? It asks the
 * same attestation code the server runs, over the enrollments in the server's data directory (the
 * SQLite store can be read while the server runs).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Tell whether a device certificate chain would be accepted by the enrollments of a data"
                + " directory.")
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private CertCommand parent;

    @Option(names = "--chain", required = true, paramLabel = "FILE",
            description = "the device certificate followed by the intermediates it sends (as 'cert device' writes it)")
    private Path chainFile;

    @Option(names = "--registration-id", paramLabel = "ID",
            description = "the registration id the device uses (default: the certificate's CN)")
    private String registrationId;

    @Option(names = "--config", paramLabel = "FILE", description = "the server's YAML configuration file")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "the server's data directory (default ./dpsemu-data)")
    private String dataDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<X509Certificate> chain = readChain();
            String id = registrationId != null ? registrationId : CertificateFacts.commonName(chain.get(0));
            if (id == null) {
                throw new CertInputException("--registration-id",
                        "the certificate has no CN; name the registration id");
            }
            AuthOutcome outcome;
            try (Store store = openStore()) {
                String scope = "verify";
                outcome = new DeviceAuthenticator(store, new SasVerifier(Duration.ZERO, Clock.systemUTC()), scope,
                        Clock.systemUTC()).authenticate(new DeviceIdentity(scope, id, null, chain));
            }
            return report(out, id, outcome);
        } catch (CertInputException e) {
            err.println("dpsemu cert verify: " + e.getMessage());
            return 2;
        } catch (ConfigException | StoreException e) {
            err.println("dpsemu cert verify: " + e.getMessage());
            return 2;
        }
    }

    private List<X509Certificate> readChain() {
        try {
            return Pem.readCertificates(parent.resolve(chainFile));
        } catch (IllegalArgumentException e) {
            throw new CertInputException("--chain", e.getMessage());
        }
    }

    private Store openStore() {
        Map<String, Object> overrides = new HashMap<>();
        if (dataDir != null) {
            overrides.put("dataDir", parent.resolve(Path.of(dataDir)).toString());
        }
        ServerConfig config = ConfigLoader.load(configFile == null ? null : parent.resolve(configFile),
                System.getenv(), overrides);
        if (!ServerConfig.STORE_SQLITE.equals(config.store())) {
            throw new CertInputException("--config", "the server keeps its enrollments in " + config.store()
                    + ", which another process cannot read");
        }
        Path database = config.dataPath().resolve("dpsemu.db");
        if (!Files.exists(database)) {
            throw new CertInputException("--data-dir", "no dpsemu store at " + database);
        }
        return SqliteStore.open(database);
    }

    private static int report(PrintWriter out, String id, AuthOutcome outcome) {
        if (outcome instanceof AuthOutcome.Refused refused) {
            out.println("refused: " + refused.reason());
            return 1;
        }
        EnrollmentMatch match = ((AuthOutcome.Attested) outcome).match();
        String by = match.enrollmentGroupId() == null
                ? "the individual enrollment of '" + id + "'"
                : "the enrollment group '" + match.enrollmentGroupId() + "'";
        if (!match.enabled()) {
            out.println("matched " + by + ", which is disabled: the device would end 'disabled'");
            return 1;
        }
        out.println("accepted: registration id '" + id + "' attests through " + by);
        return 0;
    }
}
