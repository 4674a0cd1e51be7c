package io.dpsemu.server.cli.manage;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SymmetricKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dpsemu sas}: SAS tokens, signed offline, for a client that needs one (curl, a raw MQTT client, a
 * test): a device's ({@code sas device}) or a service policy's ({@code sas service}).
 */
@Command(name = "sas", mixinStandardHelpOptions = true,
        description = "Print a SAS token: a device's, for the device API (MQTT password or HTTP Authorization), or"
                + " a shared access policy's, for the service API. Nothing is sent anywhere.",
        subcommands = {SasCommand.DeviceToken.class, SasCommand.ServiceToken.class},
        footer = {"", "Examples:",
            "  dpsemu sas device --registration-id thermostat-1 --key \"$DEVICE_KEY\"",
            "  dpsemu sas device --registration-id thermostat-7 --group-key \"$GROUP_KEY\" \\",
            "      --ttl 24h",
            "  dpsemu sas service      # the owner policy of ./dpsemu-data, for localhost",
            "  dpsemu sas service --policy reader --key \"$POLICY_KEY\" --host dps.example"})
public final class SasCommand extends ServiceCommandGroup {

    private static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Prints the token on standard output and when it expires on standard error; exit 2 for bad input. */
    private abstract static class TokenCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--ttl", paramLabel = "DURATION", order = 20, converter = FaultCommand.DurationConverter.class,
                description = "how long the token is valid: 90s, 30m, 24h (default 1h)")
        Duration ttl = DEFAULT_TTL;

        @Option(names = "--data-dir", paramLabel = "DIR", order = 21,
                description = "a local server's data directory, for the defaults"
                        + " (default $DPSEMU_DATA_DIR, else ./dpsemu-data)")
        Path dataDir;

        abstract String token(Instant expiry);

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                if (ttl.isZero() || ttl.isNegative()) {
                    throw new BadInputException("--ttl", "must be longer than 0");
                }
                Instant expiry = Instant.now().plus(ttl);
                out.println(token(expiry));
                err.println("valid until " + Instant.ofEpochSecond(expiry.getEpochSecond()));
                return 0;
            } catch (BadInputException | ManageException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                return e instanceof BadInputException ? ServiceSubcommand.EXIT_BAD_INPUT
                        : ServiceSubcommand.EXIT_FAILURE;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    @Command(name = "device", mixinStandardHelpOptions = true, sortOptions = false,
            description = "A device's token (sr={idScope}/registrations/{registrationId}, skn=registration), as"
                    + " the device SDKs make it.")
    static final class DeviceToken extends TokenCommand {

        @Option(names = "--registration-id", paramLabel = "ID", required = true, order = 1,
                description = "the device's registration id, exactly as the device sends it")
        String registrationId;

        @ArgGroup(exclusive = true, multiplicity = "1", order = 2)
        Key key;

        @Option(names = "--id-scope", paramLabel = "SCOPE", order = 3,
                description = "the server's id scope (default: the one kept in --data-dir)")
        String idScope;

        static final class Key {

            @Option(names = "--key", paramLabel = "BASE64", required = true,
                    description = "the key of the device's individual enrollment")
            String individual;

            @Option(names = "--group-key", paramLabel = "BASE64", required = true,
                    description = "the key of its symmetric-key enrollment group: signs with the derived device key")
            String group;
        }

        @Override
        String token(Instant expiry) {
            RegistrationIds.problem(registrationId).ifPresent(problem -> {
                throw new BadInputException("--registration-id", problem);
            });
            String deviceKey;
            if (key.individual != null) {
                SymmetricKeys.problem(key.individual).ifPresent(problem -> {
                    throw new BadInputException("--key", problem);
                });
                deviceKey = key.individual;
            } else {
                try {
                    deviceKey = DerivedKeys.deviceKey(key.group, registrationId);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--group-key", "is not base64");
                }
            }
            return SasTokens.device(scope(), registrationId, deviceKey, expiry);
        }

        private String scope() {
            if (idScope != null) {
                if (idScope.isBlank()) {
                    throw new BadInputException("--id-scope", "is empty");
                }
                return idScope.strip();
            }
            DataDirectory data = DataDirectory.of(dataDir, System.getenv());
            return data.idScope().orElseThrow(() -> new BadInputException("--id-scope", "is required: there is no"
                    + " id scope in " + data.path() + " (start the server with this --data-dir, or give the id scope"
                    + " it printed)"));
        }
    }

    @Command(name = "service", mixinStandardHelpOptions = true, sortOptions = false,
            description = "A shared access policy's token for the service API (sr=host, skn=policy), as the service"
                    + " SDKs make it from a connection string.")
    static final class ServiceToken extends TokenCommand {

        @Option(names = "--policy", paramLabel = "NAME", order = 1,
                description = "the policy name (with --key; default: the policy of the connection string, else the"
                        + " owner policy in --data-dir)")
        String policy;

        @Option(names = "--key", paramLabel = "BASE64", order = 2, description = "the policy's key (with --policy)")
        String policyKey;

        @Option(names = "--host", paramLabel = "NAME", order = 3,
                description = "the service host name clients sign for, service.hostName (default: the connection"
                        + " string's HostName, else localhost)")
        String host;

        @Option(names = "--connection-string", paramLabel = "STRING", order = 4,
                description = "HostName=...;SharedAccessKeyName=...;SharedAccessKey=... (default: $"
                        + ConnectionOptions.ENV_CONNECTION_STRING + ")")
        String connectionString;

        @Override
        String token(Instant expiry) {
            if ((policy == null) != (policyKey == null)) {
                throw new BadInputException(policy == null ? "--key" : "--policy", "give --policy and --key together");
            }
            Connection connection;
            if (policy != null) {
                if (connectionString != null) {
                    throw new BadInputException("--connection-string", "cannot be combined with --policy and --key");
                }
                SymmetricKeys.problem(policyKey).ifPresent(problem -> {
                    throw new BadInputException("--key", problem);
                });
                String name = host == null ? "localhost" : host;
                connection = new Connection(name, ConnectionOptions.DEFAULT_PORT, name.toLowerCase(Locale.ROOT),
                        policy, policyKey, null, null, "--policy and --key");
            } else {
                connection = fromConnectionOptions();
            }
            if (connection.key() == null) {
                throw new ManageException("the credentials from " + connection.source() + " are a ready"
                        + " SharedAccessSignature, not a key to sign with");
            }
            return connection.authorization(expiry);
        }

        private Connection fromConnectionOptions() {
            ConnectionOptions options = new ConnectionOptions();
            options.connectionString = connectionString;
            options.dataDir = dataDir;
            Connection connection = options.resolve(environment());
            if (host == null) {
                return connection;
            }
            return new Connection(host, connection.port(), host.toLowerCase(Locale.ROOT), connection.keyName(),
                    connection.key(), connection.signature(), null, connection.source());
        }

        private Map<String, String> environment() {
            return spec.parent().userObject() instanceof ServiceCommandGroup group ? group.environment()
                    : System.getenv();
        }
    }
}
