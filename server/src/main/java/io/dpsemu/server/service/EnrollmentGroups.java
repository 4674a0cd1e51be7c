package io.dpsemu.server.service;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.store.Page;
import io.dpsemu.store.Store;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Enrollment groups for the service API: {@code /enrollmentGroups}. */
final class EnrollmentGroups implements EnrollmentDocuments<EnrollmentGroup> {

    private final Store store;
    private final EnrollmentRules rules;

    EnrollmentGroups(Store store, EnrollmentRules rules) {
        this.store = store;
        this.rules = rules;
    }

    public String itemType() {
        return "enrollmentGroup";
    }

    public String idField() {
        return "enrollmentGroupId";
    }

    public String bulkField() {
        return "enrollmentGroups";
    }

    public Class<EnrollmentGroup> type() {
        return EnrollmentGroup.class;
    }

    public String id(EnrollmentGroup document) {
        return document.enrollmentGroupId();
    }

    public EnrollmentGroup withId(EnrollmentGroup g, String id) {
        return new EnrollmentGroup(id, g.attestation(), g.capabilities(), g.iotHubHostName(), g.initialTwin(),
                g.etag(), g.provisioningStatus(), g.reprovisionPolicy(), g.createdDateTimeUtc(),
                g.lastUpdatedDateTimeUtc(), g.allocationPolicy(), g.iotHubs(), g.customAllocationDefinition(),
                g.credentialPolicyName());
    }

    public String etag(EnrollmentGroup document) {
        return document.etag();
    }

    public AttestationMechanism attestation(EnrollmentGroup document) {
        return document.attestation();
    }

    public EnrollmentGroup withAttestation(EnrollmentGroup g, AttestationMechanism attestation) {
        return new EnrollmentGroup(g.enrollmentGroupId(), attestation, g.capabilities(), g.iotHubHostName(),
                g.initialTwin(), g.etag(), g.provisioningStatus(), g.reprovisionPolicy(), g.createdDateTimeUtc(),
                g.lastUpdatedDateTimeUtc(), g.allocationPolicy(), g.iotHubs(), g.customAllocationDefinition(),
                g.credentialPolicyName());
    }

    public EnrollmentGroup prepare(EnrollmentGroup document, AttestationMechanism stored) {
        return rules.prepare(document, stored);
    }

    public Optional<EnrollmentGroup> find(String id) {
        return store.findGroup(id);
    }

    public EnrollmentGroup put(EnrollmentGroup document, String ifMatch) {
        return store.putGroup(document, ifMatch);
    }

    public boolean delete(String id, String ifMatch) {
        return store.deleteGroup(id, ifMatch);
    }

    public Page<EnrollmentGroup> list(String continuation, int maxItems) {
        return store.listGroups(continuation, maxItems);
    }

    public Map<String, Function<EnrollmentGroup, String>> queryFields() {
        return Map.of(
                "enrollmentgroupid", EnrollmentGroup::enrollmentGroupId,
                "provisioningstatus", g -> g.isEnabled() ? "enabled" : "disabled",
                "attestation.type", g -> EnrollmentDocuments.attestationType(g.attestation()),
                "attestationtype", g -> EnrollmentDocuments.attestationType(g.attestation()));
    }
}
