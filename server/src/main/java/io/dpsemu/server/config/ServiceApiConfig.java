package io.dpsemu.server.config;

import java.util.List;
import java.util.stream.Stream;

/**
 * The DPS service REST API.
 *
 * @param hostName the host name service clients use: the {@code sr} their SAS tokens sign, and the
 *                 {@code HostName} of the printed connection string
 * @param hostAliases further names a token's {@code sr} may carry (other DNS names or addresses of
 *                 this service); a token for any other name is refused, whatever the request's Host
 * @param policies shared access policies besides {@code provisioningserviceowner}, whose keys are
 *                 generated on first start and kept in the data directory
 * @param maxBulkItems      items of one bulk enrollment operation (DPS allows 10)
 * @param maxQueryPageSize  items of one query page, whatever {@code x-ms-max-item-count} asks
 * @param maxTokenLifetimeSeconds how far ahead a token's {@code se} may lie (plus
 *                 {@code provisioning.sasClockSkewSeconds}); a token valid for longer is refused
 */
public record ServiceApiConfig(String hostName, List<String> hostAliases, List<ServicePolicyConfig> policies,
        int maxBulkItems, int maxQueryPageSize, long maxTokenLifetimeSeconds) {

    /** One year: the SDKs sign for an hour or less; a year leaves room for hand-made long-lived tokens. */
    public static final long DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 365L * 24 * 3600;

    static ServiceApiConfig defaults() {
        return new ServiceApiConfig("localhost", List.of(), List.of(), 10, 1000, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
    }

    /** {@code hostName} first, then the aliases: every {@code sr} a token may carry. */
    public List<String> acceptedHostNames() {
        return hostAliases == null || hostAliases.isEmpty() ? List.of(hostName)
                : Stream.concat(Stream.of(hostName), hostAliases.stream()).toList();
    }
}
