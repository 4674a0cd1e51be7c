package io.dpsemu.server.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what the server logs, in this JVM, while it is open: every event at INFO and above on the
 * root logger (the level the server runs at; the tests' own logging config says WARN, so the root level
 * is INFO while a capture is open), and DEBUG of {@code dps.events} as well, so the connection-close
 * lines ({@code DPS-1002}) are seen too. Events are kept as logged: the formatted message is what a log
 * file's line would hold, before the layout adds its prefix.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level rootLevel = root.getLevel();
    private final Logger events = (Logger) LoggerFactory.getLogger("dps.events");
    private final Level eventsLevel = events.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        events.setLevel(Level.DEBUG);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every event so far, in order. */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The formatted messages of every event so far. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Events at WARN or above, or with a stack trace: what a client's fault must never cause. */
    public List<ILoggingEvent> warningsOrStackTraces() {
        return events().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(rootLevel);
        events.setLevel(eventsLevel);
    }
}
