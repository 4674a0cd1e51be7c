package io.dpsemu.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.dpsemu.server.config.LogConfig;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.LoggingEventThreadNameJsonProvider;
import net.logstash.logback.composite.loggingevent.MdcJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;

/**
 * The process's console log, as {@code logback.xml} sets it up (appender {@value #APPENDER}, text).
 * {@code serve} switches it to JSON when {@code log.format} says so; the other commands write only
 * warnings, to stderr, so that what they print on stdout is their answer alone.
 */
final class ConsoleLog {

    static final String APPENDER = "CONSOLE";
    /** ISO-8601 with the date and the zone offset ({@code Z} in UTC), as logback.xml writes it in text. */
    static final String TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private ConsoleLog() {
    }

    /** {@code serve}: the format of {@code log.format}; text is what {@code logback.xml} already wrote. */
    static void useFormat(String format) {
        ConsoleAppender<ILoggingEvent> console = console();
        if (console == null || !LogConfig.JSON.equals(format)) {
            return;
        }
        LoggingEventCompositeJsonEncoder encoder = jsonEncoder(console.getContext());
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    /** Every command but {@code serve}: warnings on stderr, unless {@code DPSEMU_LOG_LEVEL} asks for more. */
    static void quietForCommands(String levelFromEnvironment) {
        ConsoleAppender<ILoggingEvent> console = console();
        if (console == null) {
            return;
        }
        console.stop();
        console.setTarget("System.err");
        console.start();
        if (levelFromEnvironment == null || levelFromEnvironment.isBlank()) {
            root().setLevel(Level.WARN);
        }
    }

    /**
     * One flat JSON object per line: time, level, logger, thread, the key-value pairs of the event
     * ({@code code}, {@code registrationId}, {@code transport}, {@code remote}, ...), the message, MDC
     * entries and the stack trace when there is one. Jackson escapes every value.
     */
    static LoggingEventCompositeJsonEncoder jsonEncoder(ch.qos.logback.core.Context context) {
        LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
        LoggingEventFormattedTimestampJsonProvider time = named(new LoggingEventFormattedTimestampJsonProvider(),
                "time");
        time.setPattern(TIME_PATTERN);
        providers.addTimestamp(time);
        providers.addLogLevel(named(new LogLevelJsonProvider(), "level"));
        providers.addLoggerName(named(new LoggerNameJsonProvider(), "logger"));
        providers.addThreadName(named(new LoggingEventThreadNameJsonProvider(), "thread"));
        providers.addKeyValuePairs(new KeyValuePairsJsonProvider());
        providers.addMessage(named(new MessageJsonProvider(), "message"));
        providers.addMdc(new MdcJsonProvider());
        providers.addStackTrace(named(new StackTraceJsonProvider(), "stackTrace"));
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        encoder.setProviders(providers);
        encoder.setLineSeparator("\n");
        encoder.start();
        return encoder;
    }

    private static <P extends AbstractFieldJsonProvider<ILoggingEvent>> P named(P provider, String field) {
        provider.setFieldName(field);
        return provider;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Null when logback is not the backend or a configuration of the user's has no such appender. */
    @SuppressWarnings("unchecked")
    private static ConsoleAppender<ILoggingEvent> console() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            return null;
        }
        Appender<ILoggingEvent> appender = root().getAppender(APPENDER);
        return appender instanceof ConsoleAppender<?> console ? (ConsoleAppender<ILoggingEvent>) console : null;
    }
}
