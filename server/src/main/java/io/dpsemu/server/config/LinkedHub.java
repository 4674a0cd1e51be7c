package io.dpsemu.server.config;

/**
 * An IoT hub that devices can be assigned to. dpsemu only hands out the host name; nothing
 * connects to the hub.
 */
public record LinkedHub(String hostName, int allocationWeight, boolean applyAllocationPolicy) {

    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;

    public static LinkedHub of(String hostName) {
        return new LinkedHub(hostName, 1, true);
    }
}
