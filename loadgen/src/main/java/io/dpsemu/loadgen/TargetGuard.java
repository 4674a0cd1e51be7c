package io.dpsemu.loadgen;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps a load test on this machine unless the user says otherwise: a load generator pointed at
 * someone else's server by a typo is an attack.
 */
public final class TargetGuard {

    private TargetGuard() {
    }

    /**
     * Resolves {@code host} and returns the address to dial.
     *
     * @param allowRemote whether addresses off this machine are acceptable
     * @throws IllegalArgumentException when the host does not resolve, or resolves to any address
     *     that is not loopback and {@code allowRemote} is false
     */
    public static InetAddress resolve(String host, boolean allowRemote) {
        List<InetAddress> addresses;
        try {
            addresses = Arrays.asList(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve --host '" + host + "': " + e.getMessage(), e);
        }
        if (!allowRemote) {
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("refusing to load-test '" + host + "' ("
                            + address.getHostAddress()
                            + "): it is not a loopback address; pass --allow-remote if that server is yours to load");
                }
            }
        }
        return addresses.get(0);
    }
}
