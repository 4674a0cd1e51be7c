package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.server.config.LinkedHub;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Picks the hub for a device. A static enrollment (policy {@code static}, or the legacy
 * {@code iotHubHostName}) names its hub; otherwise a weighted rendezvous hash over the candidate
 * hubs, so a registration id always lands on the same hub while the hub list is unchanged, and
 * adding a hub moves only the devices that now belong to it.
 */
public final class HubAllocator {

    private final List<LinkedHub> linkedHubs;
    private final Map<String, LinkedHub> byName;

    public HubAllocator(List<LinkedHub> linkedHubs) {
        this.linkedHubs = List.copyOf(linkedHubs);
        this.byName = linkedHubs.stream()
                .collect(Collectors.toMap(h -> h.hostName().toLowerCase(Locale.ROOT), Function.identity()));
    }

    /** The hub, or empty when the enrollment names no hub that is linked. */
    public Optional<String> allocate(String registrationId, EnrollmentMatch match) {
        List<String> named = match.iotHubs() == null ? List.of() : match.iotHubs();
        if (match.iotHubHostName() != null && !match.iotHubHostName().isEmpty()) {
            return linked(match.iotHubHostName());
        }
        if (match.allocationPolicy() == AllocationPolicy.STATIC) {
            return named.isEmpty() ? Optional.empty() : linked(named.get(0));
        }
        List<LinkedHub> candidates = new ArrayList<>();
        if (named.isEmpty()) {
            linkedHubs.stream().filter(LinkedHub::applyAllocationPolicy).forEach(candidates::add);
        } else {
            named.forEach(name -> linked(name).map(n -> byName.get(n.toLowerCase(Locale.ROOT))).ifPresent(candidates::add));
        }
        return weightedPick(registrationId.toLowerCase(Locale.ROOT), candidates);
    }

    private Optional<String> linked(String hostName) {
        LinkedHub hub = byName.get(hostName.toLowerCase(Locale.ROOT));
        return hub == null ? Optional.empty() : Optional.of(hub.hostName());
    }

    private static Optional<String> weightedPick(String key, List<LinkedHub> candidates) {
        LinkedHub best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (LinkedHub hub : candidates) {
            double unit = toUnitInterval(hash(key + '\n' + hub.hostName().toLowerCase(Locale.ROOT)));
            double score = -hub.allocationWeight() / Math.log(unit);
            if (score > bestScore) {
                bestScore = score;
                best = hub;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.hostName());
    }

    /** FNV-1a 64 then a final mix: stable across JVMs and versions, unlike String.hashCode spreading. */
    private static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** Maps a hash into (0, 1), never 0 or 1, so the logarithm is finite and negative. */
    private static double toUnitInterval(long h) {
        return ((h >>> 11) + 0.5) / (double) (1L << 53);
    }
}
