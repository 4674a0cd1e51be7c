package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.store.Page;
import io.dpsemu.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * The symmetric-key enrollment groups, cached until the store reports an enrollment write. A group
 * SAS names only the device, so every group is a candidate; DPS caps them at 100, so a scan is cheap.
 * Called on store threads only.
 */
final class SymmetricKeyGroups {

    private static final int PAGE = 500;

    private final Store store;
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, List.of());

    SymmetricKeyGroups(Store store) {
        this.store = store;
    }

    List<EnrollmentGroup> current() {
        long version = store.enrollmentVersion();
        Snapshot seen = snapshot;
        if (seen.version == version) {
            return seen.groups;
        }
        List<EnrollmentGroup> groups = new ArrayList<>();
        String continuation = null;
        do {
            Page<EnrollmentGroup> page = store.listGroups(continuation, PAGE);
            for (EnrollmentGroup group : page.items()) {
                if (group.attestation() != null && group.attestation().type() == AttestationType.SYMMETRIC_KEY) {
                    groups.add(group);
                }
            }
            continuation = page.continuation();
        } while (continuation != null);
        List<EnrollmentGroup> loaded = List.copyOf(groups);
        snapshot = new Snapshot(version, loaded);
        return loaded;
    }

    private record Snapshot(long version, List<EnrollmentGroup> groups) {
    }
}
