package io.dpsemu.server.issuance;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.tls.KeyMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The credential policies of this node: the built-in {@code local} and the configured plant CAs. */
public final class CredentialPolicies {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialPolicies.class);

    private final Map<String, CredentialPolicy> policies;
    private final String defaultPolicy;
    private final int supersededKept;

    private CredentialPolicies(Map<String, CredentialPolicy> policies, String defaultPolicy, int supersededKept) {
        this.policies = Collections.unmodifiableMap(policies);
        this.defaultPolicy = defaultPolicy;
        this.supersededKept = supersededKept;
    }

    /**
     * Loads and checks every policy's CA.
     *
     * @param config  the {@code issuance} section, validated by the config loader
     * @param localCa the generated local CA of {@code <dataDir>/tls}, which the {@code local} policy signs with
     * @throws ConfigException naming the key, when a CA file is unusable, a chain is longer than
     *                         {@code issuance.maxChainLength} or {@code issuance.defaultPolicy} names no policy
     */
    public static CredentialPolicies load(IssuanceConfig config, KeyMaterial localCa) {
        Instant now = Instant.now();
        if (config.maxChainLength() > IssuanceConfig.EMBEDDED_C_CHAIN_ENTRIES) {
            LOG.warn("issuance.maxChainLength is {}: devices running the embedded C SDK keep the issued chain in a"
                    + " fixed array of {} entries and overflow it with a longer chain", config.maxChainLength(),
                    IssuanceConfig.EMBEDDED_C_CHAIN_ENTRIES);
        }
        Map<String, CredentialPolicy> policies = new LinkedHashMap<>();
        CredentialPolicyConfig local = CredentialPolicyConfig.of(IssuanceConfig.LOCAL_POLICY, null, null);
        String localKey = "issuance";
        List<CredentialPolicyConfig> configured = config.policies();
        for (int i = 0; i < configured.size(); i++) {
            if (!configured.get(i).hasCa()) {
                local = configured.get(i);
                localKey = "issuance.policies[" + i + "]";
            }
        }
        policies.put(local.name(), policy(local, localCa, config, localKey));
        for (int i = 0; i < configured.size(); i++) {
            CredentialPolicyConfig plant = configured.get(i);
            if (plant.hasCa()) {
                String key = "issuance.policies[" + i + "]";
                KeyMaterial ca = IssuingCaFiles.load(key, plant.name(), Path.of(plant.certificate()),
                        Path.of(plant.key()), now);
                policies.put(plant.name(), policy(plant, ca, config, key));
            }
        }
        if (config.hasDefaultPolicy() && !policies.containsKey(config.defaultPolicy())) {
            throw new ConfigException("configuration key 'issuance.defaultPolicy' names '" + config.defaultPolicy()
                    + "', which is no credential policy; known are " + String.join(", ", policies.keySet())
                    + " (or \"\" for none)");
        }
        return new CredentialPolicies(policies, config.hasDefaultPolicy() ? config.defaultPolicy() : null,
                config.supersededKept());
    }

    private static CredentialPolicy policy(CredentialPolicyConfig policy, KeyMaterial ca, IssuanceConfig config,
                                           String key) {
        int chainLength = ca.chain().size() + 1;
        if (chainLength > config.maxChainLength()) {
            throw new ConfigException("configuration key '" + key + "' (credential policy '" + policy.name()
                    + "'): its chain would be " + chainLength + " certificates long (the device's and "
                    + ca.chain().size() + " of its issuers), longer than issuance.maxChainLength allows ("
                    + config.maxChainLength() + ")");
        }
        String algorithm = policy.signatureAlgorithm() != null ? policy.signatureAlgorithm()
                : KeyMaterial.signatureAlgorithm(ca.privateKey());
        String keyAlgorithm = ca.privateKey().getAlgorithm();
        if (!algorithm.endsWith("with" + (keyAlgorithm.equals("EC") ? "ECDSA" : keyAlgorithm))) {
            throw new ConfigException("configuration key '" + key + ".signatureAlgorithm' (credential policy '"
                    + policy.name() + "'): " + algorithm + " cannot sign with the CA's " + keyAlgorithm + " key");
        }
        return new CredentialPolicy(policy.name(), ca, Duration.ofDays(policy.validityDays()), KeyRules.of(policy),
                algorithm, config.maxCsrBytes());
    }

    /** The policy of that name (case-sensitive). */
    public Optional<CredentialPolicy> find(String name) {
        return Optional.ofNullable(name == null ? null : policies.get(name));
    }

    /** The policy for enrollments naming none; empty when {@code issuance.defaultPolicy} is "". */
    public Optional<String> defaultPolicyName() {
        return Optional.ofNullable(defaultPolicy);
    }

    /** Every policy's name, {@code local} first. */
    public Set<String> names() {
        return policies.keySet();
    }

    /** {@code issuance.supersededKept}: how many replaced certificates a registration record lists. */
    public int supersededKept() {
        return supersededKept;
    }

    /** For the start-up log: each policy with its issuer and validity, and the default. */
    public String describe() {
        return policies.values().stream().map(CredentialPolicy::describe).collect(Collectors.joining("; "))
                + "; default " + (defaultPolicy != null ? defaultPolicy : "none (\"\")");
    }
}
