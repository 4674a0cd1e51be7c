package io.dpsemu.server.mqtt;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.provisioning.RegistrationService;

/** What the MQTT handlers of every connection share. */
public record MqttServices(
        RegistrationService registrations,
        SessionRegistry sessions,
        Disconnector disconnector,
        DpsMetrics metrics,
        ProvisioningConfig provisioning,
        LimitsConfig limits) {
}
