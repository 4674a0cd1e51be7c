package io.dpsemu.server.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.store.Page;
import io.dpsemu.store.Store;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Individual enrollments for the service API: {@code /enrollments}. */
final class IndividualEnrollments implements EnrollmentDocuments<IndividualEnrollment> {

    private final Store store;
    private final EnrollmentRules rules;

    IndividualEnrollments(Store store, EnrollmentRules rules) {
        this.store = store;
        this.rules = rules;
    }

    public String itemType() {
        return "enrollment";
    }

    public String idField() {
        return "registrationId";
    }

    public String bulkField() {
        return "enrollments";
    }

    public Class<IndividualEnrollment> type() {
        return IndividualEnrollment.class;
    }

    public String id(IndividualEnrollment document) {
        return document.registrationId();
    }

    public IndividualEnrollment withId(IndividualEnrollment e, String id) {
        return new IndividualEnrollment(id, e.deviceId(), e.optionalDeviceInformation(), e.attestation(),
                e.capabilities(), e.iotHubHostName(), e.initialTwin(), e.etag(), e.provisioningStatus(),
                e.reprovisionPolicy(), e.createdDateTimeUtc(), e.lastUpdatedDateTimeUtc(), e.allocationPolicy(),
                e.iotHubs(), e.customAllocationDefinition(), e.credentialPolicyName());
    }

    public String etag(IndividualEnrollment document) {
        return document.etag();
    }

    public AttestationMechanism attestation(IndividualEnrollment document) {
        return document.attestation();
    }

    public IndividualEnrollment withAttestation(IndividualEnrollment e, AttestationMechanism attestation) {
        return new IndividualEnrollment(e.registrationId(), e.deviceId(), e.optionalDeviceInformation(), attestation,
                e.capabilities(), e.iotHubHostName(), e.initialTwin(), e.etag(), e.provisioningStatus(),
                e.reprovisionPolicy(), e.createdDateTimeUtc(), e.lastUpdatedDateTimeUtc(), e.allocationPolicy(),
                e.iotHubs(), e.customAllocationDefinition(), e.credentialPolicyName());
    }

    public IndividualEnrollment prepare(IndividualEnrollment document, AttestationMechanism stored) {
        return rules.prepare(document, stored);
    }

    /** As DPS shows it: with the registration state of its device, when the device has registered. */
    @Override
    public Object view(IndividualEnrollment document) {
        ObjectNode view = DpsJson.mapper().valueToTree(withoutKeys(document));
        store.findRegistration(document.registrationId()).ifPresent(record ->
                view.set("registrationState", DpsJson.mapper().valueToTree(RegistrationResource.state(record))));
        return view;
    }

    public Optional<IndividualEnrollment> find(String id) {
        return store.findEnrollment(id);
    }

    public IndividualEnrollment put(IndividualEnrollment document, String ifMatch) {
        return store.putEnrollment(document, ifMatch);
    }

    public boolean delete(String id, String ifMatch) {
        return store.deleteEnrollment(id, ifMatch);
    }

    public Page<IndividualEnrollment> list(String continuation, int maxItems) {
        return store.listEnrollments(continuation, maxItems);
    }

    public Map<String, Function<IndividualEnrollment, String>> queryFields() {
        return Map.of(
                "registrationid", IndividualEnrollment::registrationId,
                "provisioningstatus", e -> e.isEnabled() ? "enabled" : "disabled",
                "attestation.type", e -> EnrollmentDocuments.attestationType(e.attestation()),
                "attestationtype", e -> EnrollmentDocuments.attestationType(e.attestation()));
    }
}
