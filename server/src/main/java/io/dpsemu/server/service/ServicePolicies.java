package io.dpsemu.server.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.config.ServiceRights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The service API's shared access policies. {@code provisioningserviceowner} (every right) is
 * generated on first start and kept in {@code <dataDir>/service-policies.json}, so connection
 * strings keep working across restarts; policies from the configuration are added to it (or replace
 * it: nodes of a cluster share the owner key that way).
 */
public final class ServicePolicies {

    static final String FILE_NAME = "service-policies.json";
    private static final int KEY_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, ServicePolicy> byName;
    private final boolean ownerKeyCreated;

    private ServicePolicies(Map<String, ServicePolicy> byName, boolean ownerKeyCreated) {
        this.byName = byName;
        this.ownerKeyCreated = ownerKeyCreated;
    }

    /** The server's policies: the owner policy is generated into the data directory when it has none yet. */
    public static ServicePolicies load(Path dataDir, ServiceApiConfig config) {
        Path file = dataDir.resolve(FILE_NAME);
        boolean create = !Files.exists(file);
        return of(create ? create(file) : read(file), create, config);
    }

    /**
     * The policies as the server of this data directory and configuration uses them, without creating
     * any: for commands beside the server.
     */
    public static ServicePolicies read(Path dataDir, ServiceApiConfig config) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file) && !configuresOwner(config)) {
            throw new ConfigException("there is no " + file + " yet: start the server with this data directory"
                    + " first (it creates the " + ServicePolicyNames.OWNER + " key on its first start)");
        }
        return of(Files.exists(file) ? read(file) : List.of(), false, config);
    }

    private static ServicePolicies of(List<ServicePolicyConfig> kept, boolean created, ServiceApiConfig config) {
        Map<String, ServicePolicy> policies = new LinkedHashMap<>();
        for (ServicePolicyConfig policy : kept) {
            policies.put(policy.name().toLowerCase(Locale.ROOT), toPolicy(policy));
        }
        for (ServicePolicyConfig configured : configured(config)) {
            policies.put(configured.name().toLowerCase(Locale.ROOT), toPolicy(configured));
        }
        return new ServicePolicies(policies, created && !configuresOwner(config));
    }

    /**
     * Whether this start generated the owner key now, and it is the one in force (a configured owner
     * policy replaces it): the one time the server shows it in its log.
     */
    public boolean ownerKeyCreated() {
        return ownerKeyCreated;
    }

    public Optional<ServicePolicy> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    /** {@code HostName=...;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=...}. */
    public String ownerConnectionString(String hostName) {
        ServicePolicy owner = byName.get(ServicePolicyNames.OWNER);
        return "HostName=" + hostName + ";SharedAccessKeyName=" + owner.name() + ";SharedAccessKey="
                + owner.primaryKey();
    }

    private static ServicePolicy toPolicy(ServicePolicyConfig config) {
        return new ServicePolicy(config.name(), new LinkedHashSet<>(config.rights()), config.primaryKey(),
                config.secondaryKey());
    }

    private static List<ServicePolicyConfig> configured(ServiceApiConfig config) {
        return config.policies() == null ? List.of() : config.policies();
    }

    private static boolean configuresOwner(ServiceApiConfig config) {
        return configured(config).stream().anyMatch(p -> ServicePolicyNames.OWNER.equalsIgnoreCase(p.name()));
    }

    private static List<ServicePolicyConfig> read(Path file) {
        try {
            List<ServicePolicyConfig> kept = JSON.readValue(file.toFile(), new TypeReference<>() {
            });
            if (kept.stream().noneMatch(p -> ServicePolicyNames.OWNER.equalsIgnoreCase(p.name()))) {
                throw new ConfigException(file + " has no '" + ServicePolicyNames.OWNER + "' policy");
            }
            return kept;
        } catch (IOException e) {
            throw new ConfigException("cannot read the service policies in " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<ServicePolicyConfig> create(Path file) {
        try {
            List<ServicePolicyConfig> created = new ArrayList<>();
            created.add(new ServicePolicyConfig(ServicePolicyNames.OWNER, ServiceRights.NAMES, newKey(), newKey()));
            Path temp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            JSON.writeValue(temp.toFile(), created);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return created;
        } catch (IOException e) {
            throw new ConfigException("cannot keep the service policies in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
