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
 * Picks the hub for a device under the built-in policies (docs/protocol-notes.md#allocation). A static enrollment
 * (policy {@code static}, or the legacy {@code iotHubHostName}) names its hub; {@code hashed} and
 * {@code geoLatency} (all hubs are equally near on one machine, so it behaves as hashed) use a
 * weighted rendezvous hash over the candidate hubs, so a registration id always lands on the same
 * hub while the hub list is unchanged, and adding a hub moves only the devices that now belong to
 * it. {@code custom} is decided by the enrollment's webhook; this class only names its candidates.
 */
public final class HubAllocator {

    private final List<LinkedHub> linkedHubs;
    private final Map<String, LinkedHub> byName;
    private final AllocationPolicy defaultPolicy;

    /** @param defaultPolicy for enrollments that set no {@code allocationPolicy}; never {@code custom} */
    public HubAllocator(List<LinkedHub> linkedHubs, AllocationPolicy defaultPolicy) {
        this.linkedHubs = List.copyOf(linkedHubs);
        this.byName = linkedHubs.stream()
                .collect(Collectors.toMap(h -> h.hostName().toLowerCase(Locale.ROOT), Function.identity()));
        this.defaultPolicy = defaultPolicy;
    }

    /** The enrollment's policy, else the service default. */
    public AllocationPolicy policyOf(EnrollmentMatch match) {
        return match.allocationPolicy() != null ? match.allocationPolicy() : defaultPolicy;
    }

    /**
     * The hub under a built-in policy, or empty when the enrollment names no hub that is linked.
     *
     * @throws IllegalArgumentException for a {@code custom} enrollment, which its webhook decides
     */
    public Optional<String> allocate(String registrationId, EnrollmentMatch match) {
        AllocationPolicy policy = policyOf(match);
        if (policy == AllocationPolicy.CUSTOM) {
            throw new IllegalArgumentException("custom allocation is decided by the webhook");
        }
        List<String> named = namedHubs(match);
        if (policy == AllocationPolicy.STATIC || hasLegacyHub(match)) {
            return named.isEmpty() ? Optional.empty() : linked(named.get(0));
        }
        return weightedPick(registrationId.toLowerCase(Locale.ROOT), candidates(named));
    }

    /**
     * The hubs a device of this enrollment may be given (the {@code linkedHubs} a custom-allocation
     * webhook is offered): the enrollment's own hubs that are linked, else every linked hub that
     * takes part in allocation.
     */
    public List<String> candidateHubs(EnrollmentMatch match) {
        return candidates(namedHubs(match)).stream().map(LinkedHub::hostName).toList();
    }

    /** The hubs the enrollment names: the legacy {@code iotHubHostName} alone when set, else its {@code iotHubs}. */
    private static List<String> namedHubs(EnrollmentMatch match) {
        if (hasLegacyHub(match)) {
            return List.of(match.iotHubHostName());
        }
        return match.iotHubs() == null ? List.of() : match.iotHubs();
    }

    private static boolean hasLegacyHub(EnrollmentMatch match) {
        return match.iotHubHostName() != null && !match.iotHubHostName().isEmpty();
    }

    /** The linked hub's own spelling of a host name, or empty when no such hub is linked. */
    public Optional<String> linked(String hostName) {
        LinkedHub hub = byName.get(hostName.toLowerCase(Locale.ROOT));
        return hub == null ? Optional.empty() : Optional.of(hub.hostName());
    }

    private List<LinkedHub> candidates(List<String> named) {
        List<LinkedHub> candidates = new ArrayList<>();
        if (named.isEmpty()) {
            linkedHubs.stream().filter(LinkedHub::applyAllocationPolicy).forEach(candidates::add);
        } else {
            for (String name : named) {
                LinkedHub hub = byName.get(name.toLowerCase(Locale.ROOT));
                if (hub != null && !candidates.contains(hub)) {
                    candidates.add(hub);
                }
            }
        }
        return candidates;
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
