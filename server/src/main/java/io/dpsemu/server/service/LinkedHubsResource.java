package io.dpsemu.server.service;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.server.config.LinkedHub;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;

/**
 * dpsemu's extension {@code GET /dpsemu/linkedHubs}: the hubs enrollments may name and the service
 * default allocation policy. DPS keeps these in its ARM resource, which a local server does not
 * have; they come from the configuration and do not change while the node runs.
 */
public final class LinkedHubsResource {

    static final String LINKED_HUBS = "linkedHubs";

    /** The answer's shape. */
    record View(AllocationPolicy allocationPolicy, List<LinkedHub> linkedHubs) {
    }

    private final View view;

    public LinkedHubsResource(List<LinkedHub> linkedHubs, AllocationPolicy defaultPolicy) {
        this.view = new View(defaultPolicy, List.copyOf(linkedHubs));
    }

    FullHttpResponse get() {
        return ServiceResponses.ok(view);
    }
}
