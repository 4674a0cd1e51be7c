package io.dpsemu.server.it.reliability;

import java.io.IOException;

/**
 * How one device talks to the server over one transport: its register and its poll, answered as an
 * {@link Answer}. A link reconnects by itself after the server closed its connection, as a device's
 * SDK reconnects, so a broken connection is an {@link IOException} for that one request only.
 */
interface DeviceLink extends AutoCloseable {

    String registrationId();

    /** {@code https}, {@code mqtt} or {@code mqttws}. */
    String transport();

    Answer register() throws IOException;

    Answer poll(String operationId) throws IOException;

    @Override
    void close();
}
