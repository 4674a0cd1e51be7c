package io.dpsemu.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server has opened, closed in the reverse order: by the server's close, or at once when it
 * fails to start halfway. Each part is added when it is ready, so an order that works for starting
 * is also the one that works for stopping (listeners before event loops, store threads before the
 * committer that flushes their records, everything before the store).
 */
final class OpenedResources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenedResources.class);

    private final Deque<Runnable> closers = new ArrayDeque<>();

    /** @return {@code resource}, for use in an expression */
    <T> T add(T resource, Consumer<T> closer) {
        closers.push(() -> closer.accept(resource));
        return resource;
    }

    /** Closes everything added, the last first; one part failing to close does not keep the others open. */
    @Override
    public void close() {
        while (!closers.isEmpty()) {
            try {
                closers.pop().run();
            } catch (RuntimeException e) {
                LOG.warn("failed to close part of the server: {}", e.toString());
            }
        }
    }
}
