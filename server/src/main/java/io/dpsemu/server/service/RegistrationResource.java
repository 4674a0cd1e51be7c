package io.dpsemu.server.service;

import io.dpsemu.protocol.enrollment.DeviceRegistrationState;
import io.dpsemu.protocol.enrollment.IssuedCertificateState;
import io.dpsemu.store.IssuedCertificateRecord;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * {@code /registrations}: a device's registration record, its deletion, the records of a group, and
 * (an extension DPS lacks) every record, with paging. Runs on store threads.
 */
final class RegistrationResource {

    private static final String ITEM_TYPE = "deviceRegistration";

    private final Store store;
    private final int maxPageSize;

    RegistrationResource(Store store, int maxPageSize) {
        this.store = store;
        this.maxPageSize = maxPageSize;
    }

    FullHttpResponse get(String registrationId) {
        return store.findRegistration(registrationId).map(r -> ServiceResponses.ok(state(r)))
                .orElseGet(() -> ServiceResponses.notFound("registration '" + registrationId + "'"));
    }

    FullHttpResponse delete(String registrationId, String ifMatch) {
        return store.deleteRegistration(registrationId, ifMatch) ? ServiceResponses.noContent()
                : ServiceResponses.notFound("registration '" + registrationId + "'");
    }

    /** The records of one group ({@code enrollmentGroupId} null: all records). */
    FullHttpResponse list(String enrollmentGroupId, ServiceRequest request) {
        // a query specification, when sent, must be one; DPS reads only SELECT * here, and so does dpsemu
        EnrollmentResource.queryText(request.body());
        int pageSize = PageSizes.of(request.maxItemCount(), maxPageSize);
        String continuation = request.continuation() == null || request.continuation().isEmpty()
                ? null : request.continuation();
        Page<RegistrationRecord> page = store.listRegistrations(enrollmentGroupId, continuation, pageSize);
        return ServiceResponses.page(page.items().stream().map(RegistrationResource::state).toList(), ITEM_TYPE,
                page.continuation(), pageSize);
    }

    static DeviceRegistrationState state(RegistrationRecord r) {
        return new DeviceRegistrationState(r.registrationId(), r.createdDateTimeUtc(), r.assignedHub(), r.deviceId(),
                r.status(), r.substatus(), r.errorCode(), r.errorMessage(), r.lastUpdatedDateTimeUtc(), r.etag(),
                r.payload(), r.initialTwin(), r.capabilities(), certificate(r.issuedCertificate()),
                r.supersededCertificates() == null || r.supersededCertificates().isEmpty() ? null
                        : r.supersededCertificates().stream().map(RegistrationResource::certificate).toList());
    }

    /** The facts of an issued certificate; its body stays in the store (devices present it themselves). */
    private static IssuedCertificateState certificate(IssuedCertificateRecord c) {
        return c == null ? null : new IssuedCertificateState(c.credentialPolicyName(), c.serialNumber(),
                c.sha256Thumbprint(), c.subjectName(), c.notBeforeUtc(), c.notAfterUtc(), c.issuedDateTimeUtc(),
                c.supersededDateTimeUtc());
    }
}
