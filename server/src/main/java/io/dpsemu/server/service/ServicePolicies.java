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

    private ServicePolicies(Map<String, ServicePolicy> byName) {
        this.byName = byName;
    }

    public static ServicePolicies load(Path dataDir, ServiceApiConfig config) {
        Map<String, ServicePolicy> policies = new LinkedHashMap<>();
        for (ServicePolicyConfig kept : readOrCreate(dataDir.resolve(FILE_NAME))) {
            policies.put(kept.name().toLowerCase(Locale.ROOT), toPolicy(kept));
        }
        for (ServicePolicyConfig configured : config.policies() == null ? List.<ServicePolicyConfig>of()
                : config.policies()) {
            policies.put(configured.name().toLowerCase(Locale.ROOT), toPolicy(configured));
        }
        return new ServicePolicies(policies);
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

    private static List<ServicePolicyConfig> readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                List<ServicePolicyConfig> kept = JSON.readValue(file.toFile(), new TypeReference<>() {
                });
                if (kept.stream().noneMatch(p -> ServicePolicyNames.OWNER.equalsIgnoreCase(p.name()))) {
                    throw new ConfigException(file + " has no '" + ServicePolicyNames.OWNER + "' policy");
                }
                return kept;
            }
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
