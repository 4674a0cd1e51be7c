package io.dpsemu.server.it.reliability;

import io.dpsemu.server.it.DeviceApiConnection;
import io.dpsemu.server.it.DeviceRequests;
import java.io.IOException;

/** A device on the HTTPS device API, on one keep-alive connection (reopened after a failure). */
final class HttpsLink implements DeviceLink {

    /** Far above any answer time the server promises (its store call timeout): only a dead server hits it. */
    private static final int REQUEST_TIMEOUT_MILLIS = 30_000;

    private final DeviceRequests device;
    private final DeviceApiConnection connection;

    HttpsLink(Target target, DeviceRequests device) {
        this.device = device;
        this.connection = new DeviceApiConnection("localhost", target.httpsPort(), target.tls(),
                REQUEST_TIMEOUT_MILLIS);
    }

    @Override
    public String registrationId() {
        return device.registrationId();
    }

    @Override
    public String transport() {
        return "https";
    }

    @Override
    public Answer register() throws IOException {
        DeviceApiConnection.Response response = connection.exchange("PUT", device.registerTarget(),
                device.authorization(), device.registerBody());
        return Answer.of(transport(), "register", response.status(), response.retryAfterSeconds(), response.body());
    }

    @Override
    public Answer poll(String operationId) throws IOException {
        DeviceApiConnection.Response response = connection.exchange("GET", device.operationTarget(operationId),
                device.authorization(), null);
        return Answer.of(transport(), "poll", response.status(), response.retryAfterSeconds(), response.body());
    }

    @Override
    public void close() {
        connection.close();
    }
}
