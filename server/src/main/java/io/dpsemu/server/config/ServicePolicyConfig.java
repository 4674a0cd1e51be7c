package io.dpsemu.server.config;

import java.util.List;

/**
 * A shared access policy of the service API, as DPS has them.
 *
 * @param rights some of ServiceConfig, EnrollmentRead, EnrollmentWrite, RegistrationStatusRead,
 *               RegistrationStatusWrite
 */
public record ServicePolicyConfig(String name, List<String> rights, String primaryKey, String secondaryKey) {
}
