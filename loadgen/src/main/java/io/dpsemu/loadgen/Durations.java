package io.dpsemu.loadgen;

import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line: {@code 90} or {@code 90s}, {@code 500ms}, {@code 5m}, {@code 1h}. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration parse(String text) {
        String value = text.strip();
        int digits = 0;
        while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
            digits++;
        }
        String unit = value.substring(digits);
        if (digits == 0 || digits > 9) {
            throw invalid(text);
        }
        long amount = Long.parseLong(value.substring(0, digits));
        return switch (unit) {
            case "", "s" -> Duration.ofSeconds(amount);
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw invalid(text);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a duration; use seconds (90 or 90s), 500ms, 5m or 1h");
    }
}
