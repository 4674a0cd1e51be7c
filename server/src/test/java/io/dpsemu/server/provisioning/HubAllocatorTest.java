package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.server.config.LinkedHub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubAllocatorTest {

    private static final int DEVICES = 10_000;
    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final String HUB_C = "hub-c.azure-devices.net";

    private static EnrollmentMatch individual(AllocationPolicy policy, List<String> iotHubs, String iotHubHostName) {
        return new EnrollmentMatch.Individual(new IndividualEnrollment("device-1", null, null,
                AttestationMechanism.symmetricKey(null, null), null, iotHubHostName, null, null,
                ProvisioningStatus.ENABLED, null, null, null, policy, iotHubs, null, null));
    }

    private static EnrollmentMatch group(AllocationPolicy policy, List<String> iotHubs) {
        return new EnrollmentMatch.Group(new EnrollmentGroup("group-1", AttestationMechanism.symmetricKey(null, null),
                null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, policy, iotHubs, null, null));
    }

    private static final EnrollmentMatch DEFAULT = individual(null, null, null);

    /** An allocator whose service default is DPS's, {@code hashed}. */
    private static HubAllocator hashed(List<LinkedHub> hubs) {
        return new HubAllocator(hubs, AllocationPolicy.HASHED);
    }

    private static String id(int i) {
        return "sensor-" + i;
    }

    private static Map<String, Integer> spread(HubAllocator allocator, EnrollmentMatch match) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DEVICES; i++) {
            String hub = allocator.allocate(id(i), match).orElseThrow();
            counts.merge(hub, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void allocate_whenSameRegistrationIdTwice_thenSameHub() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));
        HubAllocator rebuilt = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));

        for (int i = 0; i < 200; i++) {
            Optional<String> first = allocator.allocate(id(i), DEFAULT);
            assertThat(first).isPresent();
            assertThat(allocator.allocate(id(i), DEFAULT)).isEqualTo(first);
            assertThat(rebuilt.allocate(id(i), DEFAULT)).isEqualTo(first);
        }
    }

    @Test
    void allocate_whenRegistrationIdDiffersOnlyInCase_thenSameHub() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));

        for (int i = 0; i < 200; i++) {
            String lower = "device-abc-" + i;
            assertThat(allocator.allocate(lower.toUpperCase(), DEFAULT)).isEqualTo(allocator.allocate(lower, DEFAULT));
        }
    }

    @Test
    void allocate_whenHubListOrderDiffers_thenSameHub() {
        HubAllocator forward = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));
        HubAllocator backward = hashed(List.of(LinkedHub.of(HUB_C), LinkedHub.of(HUB_B), LinkedHub.of(HUB_A)));

        for (int i = 0; i < 500; i++) {
            assertThat(backward.allocate(id(i), DEFAULT)).isEqualTo(forward.allocate(id(i), DEFAULT));
        }
    }

    @Test
    void allocate_whenWeightsEqual_thenShareIsEven() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));

        Map<String, Integer> counts = spread(allocator, DEFAULT);

        assertThat(counts).containsOnlyKeys(HUB_A, HUB_B, HUB_C);
        counts.values().forEach(n -> assertThat(n / (double) DEVICES).isCloseTo(1 / 3.0, within(0.03)));
    }

    @Test
    void allocate_whenWeightsDiffer_thenShareFollowsWeights() {
        HubAllocator allocator = hashed(List.of(new LinkedHub(HUB_A, 1, true),
                new LinkedHub(HUB_B, 3, true), new LinkedHub(HUB_C, 6, true)));

        Map<String, Integer> counts = spread(allocator, DEFAULT);

        assertThat(counts.get(HUB_A) / (double) DEVICES).isCloseTo(0.1, within(0.03));
        assertThat(counts.get(HUB_B) / (double) DEVICES).isCloseTo(0.3, within(0.03));
        assertThat(counts.get(HUB_C) / (double) DEVICES).isCloseTo(0.6, within(0.03));
    }

    @Test
    void allocate_whenOneHeavyHub_thenMostDevicesGoThere() {
        HubAllocator allocator = hashed(List.of(new LinkedHub(HUB_A, 1000, true),
                new LinkedHub(HUB_B, 1, true)));

        Map<String, Integer> counts = spread(allocator, DEFAULT);

        assertThat(counts.get(HUB_A) / (double) DEVICES).isCloseTo(1000 / 1001.0, within(0.01));
    }

    @Test
    void allocate_whenHubDoesNotApplyAllocationPolicy_thenNeverChosenByHashing() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 1000, false)));

        Map<String, Integer> counts = spread(allocator, DEFAULT);

        assertThat(counts).containsOnlyKeys(HUB_A);
    }

    @Test
    void allocate_whenEnrollmentNamesHubExcludedFromAllocation_thenItCanBeChosen() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 1, false)));

        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.HASHED, List.of(HUB_B), null)))
                .contains(HUB_B);
        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.STATIC, List.of(HUB_B), null)))
                .contains(HUB_B);
    }

    @Test
    void allocate_whenOnlyExcludedHubsAreLinked_thenEmpty() {
        HubAllocator allocator = hashed(List.of(new LinkedHub(HUB_A, 1, false)));

        assertThat(allocator.allocate("device-1", DEFAULT)).isEmpty();
    }

    @Test
    void allocate_whenEnrollmentNamesHubs_thenOnlyThoseAreCandidates() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));
        EnrollmentMatch match = group(AllocationPolicy.HASHED, List.of(HUB_B, HUB_C));

        Map<String, Integer> counts = spread(allocator, match);

        assertThat(counts).containsOnlyKeys(HUB_B, HUB_C);
    }

    @Test
    void allocate_whenStaticPolicy_thenFirstNamedHub() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));
        EnrollmentMatch match = individual(AllocationPolicy.STATIC, List.of(HUB_C, HUB_A), null);

        for (int i = 0; i < 100; i++) {
            assertThat(allocator.allocate(id(i), match)).contains(HUB_C);
        }
    }

    @Test
    void allocate_whenStaticPolicyNamesNoHub_thenEmpty() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A)));

        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.STATIC, null, null))).isEmpty();
        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.STATIC, List.of(), null))).isEmpty();
    }

    @Test
    void allocate_whenNamedHubDiffersInCase_thenLinkedSpellingReturned() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));

        assertThat(allocator.allocate("device-1",
                individual(AllocationPolicy.STATIC, List.of(HUB_B.toUpperCase()), null)))
                .contains(HUB_B);
    }

    @Test
    void allocate_whenLegacyIotHubHostName_thenThatHub() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 1, false)));

        for (int i = 0; i < 100; i++) {
            assertThat(allocator.allocate(id(i), individual(null, null, HUB_B))).contains(HUB_B);
        }
        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.HASHED, List.of(HUB_A), HUB_B)))
                .contains(HUB_B);
    }

    @Test
    void allocate_whenLegacyIotHubHostNameNotLinked_thenEmpty() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A)));

        assertThat(allocator.allocate("device-1", individual(null, null, "gone.azure-devices.net"))).isEmpty();
    }

    @Test
    void allocate_whenStaticHubNotLinked_thenEmpty() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A)));

        assertThat(allocator.allocate("device-1", individual(AllocationPolicy.STATIC, List.of(HUB_B), null))).isEmpty();
    }

    @Test
    void allocate_whenNamedHubsAreNotLinked_thenEmpty() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A)));

        assertThat(allocator.allocate("device-1", group(AllocationPolicy.HASHED, List.of(HUB_B, HUB_C)))).isEmpty();
    }

    @Test
    void allocate_whenSomeNamedHubsAreNotLinked_thenOnlyLinkedOnesChosen() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));
        EnrollmentMatch match = group(AllocationPolicy.HASHED, List.of(HUB_B, HUB_C));

        assertThat(spread(allocator, match)).containsOnlyKeys(HUB_B);
    }

    @Test
    void allocate_whenHubAdded_thenOnlyPartOfDevicesMoveAndOnlyToNewHub() {
        HubAllocator before = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));
        HubAllocator after = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));

        List<String> moved = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            String was = before.allocate(id(i), DEFAULT).orElseThrow();
            String now = after.allocate(id(i), DEFAULT).orElseThrow();
            if (!was.equals(now)) {
                moved.add(now);
            }
        }

        assertThat(moved).isNotEmpty().containsOnly(HUB_C);
        assertThat(moved.size() / (double) DEVICES).isCloseTo(1 / 3.0, within(0.03));
    }

    @Test
    void allocate_whenHubRemoved_thenOnlyItsDevicesMove() {
        HubAllocator before = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), LinkedHub.of(HUB_C)));
        HubAllocator after = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));

        for (int i = 0; i < DEVICES; i++) {
            String was = before.allocate(id(i), DEFAULT).orElseThrow();
            if (!was.equals(HUB_C)) {
                assertThat(after.allocate(id(i), DEFAULT)).contains(was);
            }
        }
    }

    @Test
    void allocate_whenCustomOrGeoLatencyPolicy_thenWeightedHashOverCandidates() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));

        assertThat(spread(allocator, group(AllocationPolicy.GEO_LATENCY, null))).containsOnlyKeys(HUB_A, HUB_B);
        assertThat(allocator.allocate("device-1", group(AllocationPolicy.GEO_LATENCY, null)))
                .isEqualTo(allocator.allocate("device-1", DEFAULT));
    }

    @Test
    void allocate_whenServiceDefaultIsStatic_thenEnrollmentWithoutPolicyGetsItsNamedHub() {
        HubAllocator allocator = new HubAllocator(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)),
                AllocationPolicy.STATIC);

        assertThat(allocator.allocate("device-1", individual(null, List.of(HUB_B), null))).contains(HUB_B);
        assertThat(allocator.allocate("device-1", DEFAULT)).isEmpty();
    }

    @Test
    void allocate_whenServiceDefaultIsStaticButEnrollmentSaysHashed_thenEnrollmentWins() {
        HubAllocator allocator = new HubAllocator(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)),
                AllocationPolicy.STATIC);

        assertThat(spread(allocator, individual(AllocationPolicy.HASHED, null, null))).containsOnlyKeys(HUB_A, HUB_B);
    }

    @Test
    void policyOf_whenEnrollmentSetsNone_thenServiceDefault() {
        HubAllocator allocator = new HubAllocator(List.of(LinkedHub.of(HUB_A)), AllocationPolicy.GEO_LATENCY);

        assertThat(allocator.policyOf(DEFAULT)).isEqualTo(AllocationPolicy.GEO_LATENCY);
        assertThat(allocator.policyOf(group(AllocationPolicy.CUSTOM, null))).isEqualTo(AllocationPolicy.CUSTOM);
    }

    @Test
    void allocate_whenCustomPolicy_thenRefusedBecauseTheWebhookDecides() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A)));

        assertThatThrownBy(() -> allocator.allocate("device-1", group(AllocationPolicy.CUSTOM, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void candidateHubs_whenEnrollmentNamesNone_thenEveryHubTakingPartInAllocation() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 5, false),
                LinkedHub.of(HUB_C)));

        assertThat(allocator.candidateHubs(group(AllocationPolicy.CUSTOM, null))).containsExactly(HUB_A, HUB_C);
    }

    @Test
    void candidateHubs_whenEnrollmentNamesHubs_thenItsLinkedOnesInLinkedSpelling() {
        HubAllocator allocator = hashed(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 5, false)));

        assertThat(allocator.candidateHubs(group(AllocationPolicy.CUSTOM, List.of(HUB_B.toUpperCase(),
                "gone.azure-devices.net", HUB_B)))).containsExactly(HUB_B);
        assertThat(allocator.candidateHubs(individual(AllocationPolicy.CUSTOM, null, HUB_B))).containsExactly(HUB_B);
    }
}
