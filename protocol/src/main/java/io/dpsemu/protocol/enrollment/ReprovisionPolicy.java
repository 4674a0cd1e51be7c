package io.dpsemu.protocol.enrollment;

/** {@code reprovisionPolicy} (docs/protocol-notes.md#reprovisioning); DPS's default is both true. */
public record ReprovisionPolicy(boolean updateHubAssignment, boolean migrateDeviceData) {

    public static final ReprovisionPolicy DEFAULT = new ReprovisionPolicy(true, true);
}
