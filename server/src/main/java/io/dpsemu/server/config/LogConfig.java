package io.dpsemu.server.config;

import java.util.List;

/**
 * The server's log.
 *
 * @param format {@code text} (one line per event, ISO-8601 time with the zone offset) or {@code json}
 *               (one JSON object per line, for log shippers)
 */
public record LogConfig(String format) {

    public static final String TEXT = "text";
    public static final String JSON = "json";
    static final List<String> FORMATS = List.of(TEXT, JSON);

    static LogConfig defaults() {
        return new LogConfig(TEXT);
    }
}
