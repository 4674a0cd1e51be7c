package io.dpsemu.server.config;

import io.dpsemu.protocol.auth.SymmetricKeys;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.faults.FaultRuleChecks;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks value ranges after binding; the first problem stops start-up with the key's name. */
final class ConfigValidator {

    /** 0 (unlimited) or a rate the quota counters can hold. */
    private static final int MAX_QUOTA = 10_000_000;
    /** Ten years: a cap far above any SDK's token lifetime, still far from {@code se} overflowing. */
    private static final long MAX_TOKEN_LIFETIME_SECONDS = 10L * 365 * 24 * 3600;

    private ConfigValidator() {
    }

    static void validate(ServerConfig c) {
        require(c.dataDir() != null && !c.dataDir().isBlank(), "dataDir", "must be set");
        require(c.bind() != null && !c.bind().isBlank(), "bind", "must be set");
        port(c.mqttPort(), "mqttPort");
        port(c.httpsPort(), "httpsPort");
        require(c.mqttPort() == 0 || c.mqttPort() != c.httpsPort(), "httpsPort", "must differ from mqttPort");
        require(List.of(ServerConfig.STORE_SQLITE, ServerConfig.STORE_POSTGRES, ServerConfig.STORE_MEMORY)
                .contains(c.store()), "store", "must be 'sqlite', 'postgres' or 'memory', not '" + c.store() + "'");
        if (ServerConfig.STORE_POSTGRES.equals(c.store())) {
            PostgresConfig postgres = c.postgres();
            require(postgres != null && postgres.url() != null && postgres.url().startsWith("jdbc:postgresql:"),
                    "postgres.url", "must be a jdbc:postgresql://host:port/database URL when store is postgres");
            require(postgres.user() != null && !postgres.user().isBlank(), "postgres.user", "must be set");
            range(postgres.poolSize(), 1, 1000, "postgres.poolSize");
        }
        if (c.idScope() != null) {
            require(c.idScope().matches("[A-Za-z0-9]{1,64}"), "idScope", "must be 1-64 letters or digits");
        }
        require(c.linkedHubs() != null && !c.linkedHubs().isEmpty(), "linkedHubs", "needs at least one hub");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.linkedHubs().size(); i++) {
            LinkedHub hub = c.linkedHubs().get(i);
            String key = "linkedHubs[" + i + "]";
            require(hub != null, key, "is empty");
            require(hub.hostName() != null && hub.hostName().matches("[A-Za-z0-9.-]{1,253}"), key + ".hostName",
                    "must be a host name");
            require(hub.allocationWeight() >= LinkedHub.MIN_WEIGHT && hub.allocationWeight() <= LinkedHub.MAX_WEIGHT,
                    key + ".allocationWeight", "must be between 1 and 1000");
            require(seen.add(hub.hostName().toLowerCase(Locale.ROOT)), key + ".hostName",
                    "'" + hub.hostName() + "' is listed twice");
        }
        AllocationConfig allocation = c.allocation();
        require(allocation != null && allocation.policy() != null, "allocation.policy", "must be set");
        require(allocation.policy() != AllocationPolicy.CUSTOM, "allocation.policy",
                "cannot be 'custom': a webhook belongs to an enrollment; use hashed, geoLatency or static");
        range(allocation.webhookTimeoutMillis(), 100, 600_000, "allocation.webhookTimeoutMillis");
        range(allocation.maxConcurrentWebhookCalls(), 1, 10_000, "allocation.maxConcurrentWebhookCalls");
        range(allocation.maxWebhookResponseBytes(), 1024, 16 * 1024 * 1024, "allocation.maxWebhookResponseBytes");
        TlsConfig tls = c.tls();
        require(tls != null, "tls", "must be set");
        require((tls.certFile() == null) == (tls.keyFile() == null), "tls.certFile",
                "tls.certFile and tls.keyFile go together");
        OperationsConfig operations = c.operations();
        require(operations != null && operations.bind() != null && !operations.bind().isBlank(), "operations.bind",
                "must be set");
        range(operations.port(), OperationsConfig.OFF, 65_535, "operations.port");
        ServiceApiConfig service = c.service();
        require(service != null && service.hostName() != null && service.hostName().matches("[A-Za-z0-9_.-]{1,253}"),
                "service.hostName", "must be a host name without a port (the service SDKs refuse anything else)");
        List<String> aliases = service.hostAliases() == null ? List.of() : service.hostAliases();
        for (int i = 0; i < aliases.size(); i++) {
            String alias = aliases.get(i);
            require(alias != null && alias.matches("[A-Za-z0-9_.-]{1,253}"), "service.hostAliases[" + i + "]",
                    "must be a host name without a port, like service.hostName");
        }
        range(service.maxTokenLifetimeSeconds(), 60, MAX_TOKEN_LIFETIME_SECONDS, "service.maxTokenLifetimeSeconds");
        Set<String> policyNames = new HashSet<>();
        List<ServicePolicyConfig> policies = service.policies() == null ? List.of() : service.policies();
        for (int i = 0; i < policies.size(); i++) {
            ServicePolicyConfig policy = policies.get(i);
            String key = "service.policies[" + i + "]";
            require(policy != null && policy.name() != null && policy.name().matches("[A-Za-z0-9_.-]{1,64}"),
                    key + ".name", "must be 1-64 letters, digits, '_', '.' or '-'");
            require(policyNames.add(policy.name().toLowerCase(Locale.ROOT)), key + ".name",
                    "'" + policy.name() + "' is listed twice");
            require(policy.rights() != null && !policy.rights().isEmpty(), key + ".rights",
                    "must name at least one right");
            for (String right : policy.rights()) {
                require(ServiceRights.isKnown(right), key + ".rights",
                        "'" + right + "' is not one of " + ServiceRights.NAMES);
            }
            require(isKey(policy.primaryKey()), key + ".primaryKey", "must be base64 of 16-64 bytes");
            require(policy.secondaryKey() == null || isKey(policy.secondaryKey()), key + ".secondaryKey",
                    "must be base64 of 16-64 bytes");
        }
        range(service.maxBulkItems(), 1, 10_000, "service.maxBulkItems");
        range(service.maxQueryPageSize(), 1, 10_000, "service.maxQueryPageSize");
        ProvisioningConfig p = c.provisioning();
        require(p != null, "provisioning", "must be set");
        range(p.retryAfterSeconds(), 1, 3600, "provisioning.retryAfterSeconds");
        range(p.minResponseDelayMillis(), 0, 60_000, "provisioning.minResponseDelayMillis");
        range(p.sasClockSkewSeconds(), 0, 86_400, "provisioning.sasClockSkewSeconds");
        range(p.maxAuthFailuresPerConnection(), 1, 1000, "provisioning.maxAuthFailuresPerConnection");
        range(p.operationRetentionSeconds(), 10, 86_400, "provisioning.operationRetentionSeconds");
        range(p.abandonedOperationSeconds(), 1, 3600, "provisioning.abandonedOperationSeconds");
        range(p.pollWaitMillis(), 0, 60_000, "provisioning.pollWaitMillis");
        LimitsConfig l = c.limits();
        require(l != null, "limits", "must be set");
        range(l.maxConnections(), 1, 10_000_000, "limits.maxConnections");
        range(l.connectTimeoutSeconds(), 1, 600, "limits.connectTimeoutSeconds");
        range(l.maxConnectPacketBytes(), 128, 1024 * 1024, "limits.maxConnectPacketBytes");
        range(l.maxPacketBytes(), 1024, 16 * 1024 * 1024, "limits.maxPacketBytes");
        range(l.maxKeepAliveSeconds(), 1, 65_535, "limits.maxKeepAliveSeconds");
        range(l.eventLoopThreads(), 1, 1024, "limits.eventLoopThreads");
        range(l.storeThreads(), 1, 256, "limits.storeThreads");
        range(l.storeQueue(), 1, 10_000_000, "limits.storeQueue");
        range(l.maxOperations(), 100, 100_000_000, "limits.maxOperations");
        range(l.maxInflightPerCredential(), 1, 100_000_000, "limits.maxInflightPerCredential");
        range(l.maxInflightPerConnection(), 1, 10_000, "limits.maxInflightPerConnection");
        range(l.maxHttpHeaderBytes(), 1024, 1024 * 1024, "limits.maxHttpHeaderBytes");
        range(l.maxHttpBodyBytes(), 1024, 16 * 1024 * 1024, "limits.maxHttpBodyBytes");
        range(l.httpRequestTimeoutSeconds(), 1, 600, "limits.httpRequestTimeoutSeconds");
        range(l.httpIdleTimeoutSeconds(), 1, 86_400, "limits.httpIdleTimeoutSeconds");
        range(l.storeCallTimeoutMillis(), 100, 600_000, "limits.storeCallTimeoutMillis");
        range(l.groupCommitMaxRecords(), 1, 100_000, "limits.groupCommitMaxRecords");
        range(l.groupCommitMaxWaitMicros(), 0, 1_000_000, "limits.groupCommitMaxWaitMicros");
        range(l.maxConnectionsPerAddress(), 1, 10_000_000, "limits.maxConnectionsPerAddress");
        range(l.connectionsPerAddressPerSecond(), 1, 10_000_000, "limits.connectionsPerAddressPerSecond");
        range(l.connectionBurstPerAddress(), 1, 10_000_000, "limits.connectionBurstPerAddress");
        range(l.reservedFileDescriptors(), 0, 1_000_000, "limits.reservedFileDescriptors");
        ThrottlingConfig t = c.throttling();
        require(t != null, "throttling", "must be set");
        range(t.registrationsPerMinute(), 0, MAX_QUOTA, "throttling.registrationsPerMinute");
        range(t.operationsPerMinute(), 0, MAX_QUOTA, "throttling.operationsPerMinute");
        range(t.pollsPerDevicePer10Seconds(), 0, MAX_QUOTA, "throttling.pollsPerDevicePer10Seconds");
        faults(c.faults());
        issuance(c.issuance());
        require(c.log() != null && LogConfig.FORMATS.contains(c.log().format()), "log.format",
                "must be 'text' or 'json', not '" + (c.log() == null ? null : c.log().format()) + "'");
    }

    private static void faults(List<FaultRuleSpec> faults) {
        require(faults != null, "faults", "must be a list of fault rules");
        range(faults.size(), 0, FaultRuleChecks.MAX_RULES, "faults (number of rules)");
        for (int i = 0; i < faults.size(); i++) {
            String key = "faults[" + i + "]";
            require(faults.get(i) != null, key, "is empty");
            try {
                FaultRuleChecks.check(key, faults.get(i));
            } catch (InvalidFaultRuleException e) {
                throw new ConfigException("configuration key '" + key + "." + e.field() + "' " + e.problem());
            }
        }
    }

    /**
     * The values alone; the files, and whether {@code defaultPolicy} names a policy, are checked when the
     * policies are loaded.
     */
    private static void issuance(IssuanceConfig issuance) {
        require(issuance != null, "issuance", "must be set");
        require(issuance.defaultPolicy() != null, "issuance.defaultPolicy",
                "must name a credential policy, or be \"\" for none");
        range(issuance.maxChainLength(), 2, 10, "issuance.maxChainLength");
        range(issuance.supersededKept(), 0, 1000, "issuance.supersededKept");
        range(issuance.maxCsrBytes(), 1024, 1024 * 1024, "issuance.maxCsrBytes");
        List<CredentialPolicyConfig> policies = issuance.policies();
        require(policies != null, "issuance.policies", "must be a list of credential policies");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < policies.size(); i++) {
            CredentialPolicyConfig policy = policies.get(i);
            String key = "issuance.policies[" + i + "]";
            require(policy != null, key, "is empty");
            require(policy.name() != null && policy.name().matches("[A-Za-z0-9_.-]{1,64}"), key + ".name",
                    "must be 1-64 letters, digits, '_', '.' or '-'");
            require(names.add(policy.name().toLowerCase(Locale.ROOT)), key + ".name",
                    "'" + policy.name() + "' is listed twice");
            if (IssuanceConfig.LOCAL_POLICY.equals(policy.name())) {
                require(!policy.hasCa(), key, "'local' is the built-in policy of the generated local CA: it takes"
                        + " no certificate or key (give a plant CA another name)");
            } else {
                require(policy.certificate() != null && !policy.certificate().isBlank(), key + ".certificate",
                        "must name the PEM file of the issuing CA and its chain");
                require(policy.key() != null && !policy.key().isBlank(), key + ".key",
                        "must name the PEM file of the issuing CA's private key");
            }
            range(policy.validityDays(), 1, 36_500, key + ".validityDays");
            require(!policy.keyTypes().isEmpty(), key + ".keyTypes", "must name at least one of "
                    + CredentialPolicyConfig.KEY_TYPES);
            for (String type : policy.keyTypes()) {
                require(CredentialPolicyConfig.KEY_TYPES.contains(type), key + ".keyTypes",
                        "'" + type + "' is not one of " + CredentialPolicyConfig.KEY_TYPES);
            }
            range(policy.minRsaBits(), CredentialPolicyConfig.MIN_RSA_BITS, 16_384, key + ".minRsaBits");
            require(policy.signatureAlgorithm() == null
                    || CredentialPolicyConfig.SIGNATURE_ALGORITHMS.contains(policy.signatureAlgorithm()),
                    key + ".signatureAlgorithm", "'" + policy.signatureAlgorithm() + "' is not one of "
                            + CredentialPolicyConfig.SIGNATURE_ALGORITHMS + " (leave it out to sign with SHA-256)");
        }
    }

    private static boolean isKey(String base64) {
        return base64 != null && SymmetricKeys.problem(base64).isEmpty();
    }

    private static void port(int value, String key) {
        range(value, 0, 65_535, key);
    }

    private static void range(long value, long min, long max, String key) {
        require(value >= min && value <= max, key, "must be between " + min + " and " + max + ", not " + value);
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException("configuration key '" + key + "' " + problem);
        }
    }
}
