package io.dpsemu.loadgen;

import java.time.Duration;

/**
 * What runs before measuring starts, on devices of its own: a number of flows ({@code 500}) or a
 * time ({@code 10s}). Its flows count no latency and no throughput.
 *
 * @param devices flows to run, or 0 when the warm-up is timed
 * @param time how long to start flows, or {@link Duration#ZERO} when it is counted
 */
public record Warmup(long devices, Duration time) {

    public static final Warmup NONE = new Warmup(0, Duration.ZERO);

    public boolean isNone() {
        return devices == 0 && time.isZero();
    }

    public boolean isTimed() {
        return !time.isZero();
    }

    /**
     * @param text a whole number of devices, or a duration in {@link Durations} form with a unit
     * @throws IllegalArgumentException saying what the accepted forms are
     */
    public static Warmup parse(String text) {
        String value = text.strip();
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return new Warmup(Long.parseLong(value), Duration.ZERO);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("warm-up device count '" + text + "' is too large", e);
            }
        }
        boolean hasUnit = !value.isEmpty() && Character.isLetter(value.charAt(value.length() - 1));
        try {
            if (hasUnit) {
                return new Warmup(0, Durations.parse(value));
            }
        } catch (IllegalArgumentException e) {
            throw neither(text, e);
        }
        throw neither(text, null);
    }

    private static IllegalArgumentException neither(String text, Exception cause) {
        return new IllegalArgumentException("'" + text + "' is neither a number of devices (500) nor a time (10s, 2m)",
                cause);
    }
}
