package io.dpsemu.server.config;

import java.util.List;

/**
 * The DPS service REST API.
 *
 * @param hostName the host name service clients use: the {@code sr} their SAS tokens sign, and the
 *                 {@code HostName} of the printed connection string (also accepted: the request's Host)
 * @param policies shared access policies besides {@code provisioningserviceowner}, whose keys are
 *                 generated on first start and kept in the data directory
 * @param maxBulkItems      items of one bulk enrollment operation (DPS allows 10)
 * @param maxQueryPageSize  items of one query page, whatever {@code x-ms-max-item-count} asks
 */
public record ServiceApiConfig(String hostName, List<ServicePolicyConfig> policies, int maxBulkItems,
        int maxQueryPageSize) {

    static ServiceApiConfig defaults() {
        return new ServiceApiConfig("localhost", List.of(), 10, 1000);
    }
}
