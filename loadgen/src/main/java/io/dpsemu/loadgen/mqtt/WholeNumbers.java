package io.dpsemu.loadgen.mqtt;

/** Reads the small whole numbers of responses: a status in a topic, a retry-after in seconds. */
public final class WholeNumbers {

    private WholeNumbers() {
    }

    /**
     * @return the value, or null when the text is absent or not plain digits (an HTTP date, a
     *     fraction, a sign): the SDKs read retry-after only as delta-seconds
     */
    public static Integer parse(String text) {
        String digits = text == null ? "" : text.strip();
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.valueOf(digits);
    }
}
