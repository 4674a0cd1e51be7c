package io.dpsemu.protocol.enrollment;

/** {@code reprovisionPolicy} (service-api.md §2.3); DPS's default is both true. */
public record ReprovisionPolicy(boolean updateHubAssignment, boolean migrateDeviceData) {

    public static final ReprovisionPolicy DEFAULT = new ReprovisionPolicy(true, true);
}
