package io.dpsemu.loadgen.device;

import io.dpsemu.protocol.auth.DerivedKeys;

/**
 * Devices of a symmetric-key enrollment group, {@code {prefix}{index}}, each signing with the key
 * derived from the group key for its registration id. Made on demand: there is no upper bound.
 */
public final class GroupKeyDevices implements DeviceSource {

    private final String groupKey;
    private final String prefix;

    /** @throws IllegalArgumentException when {@code groupKey} is not non-empty base64 */
    public GroupKeyDevices(String groupKey, String prefix) {
        DerivedKeys.deviceKey(groupKey, prefix);
        this.groupKey = groupKey;
        this.prefix = prefix;
    }

    @Override
    public long size() {
        return Long.MAX_VALUE;
    }

    @Override
    public Device device(long index) {
        String id = prefix + index;
        return Device.withKey(id, DerivedKeys.deviceKey(groupKey, id));
    }

    @Override
    public String attestation() {
        return "group-key";
    }
}
