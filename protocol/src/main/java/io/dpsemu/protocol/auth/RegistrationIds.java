package io.dpsemu.protocol.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * DPS registration id rules (docs/protocol-notes.md#registration-ids): at most 128 characters of
 * {@code [A-Za-z0-9-._:]}, the last one alphanumeric or {@code -}; compared case-insensitively.
 */
public final class RegistrationIds {

    public static final int MAX_LENGTH = 128;

    private RegistrationIds() {
    }

    /** Empty when {@code id} is a valid registration id, else what is wrong with it. */
    public static Optional<String> problem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("registration id is empty");
        }
        if (id.length() > MAX_LENGTH) {
            return Optional.of("registration id is " + id.length() + " characters long; the maximum is " + MAX_LENGTH);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '.' && c != '_' && c != ':') {
                return Optional.of("registration id has a character that is not allowed at index " + i + " ('"
                        + Printable.character(c) + "'); allowed are A-Z, a-z, 0-9, '-', '.', '_' and ':'");
            }
        }
        char last = id.charAt(id.length() - 1);
        if (!isAlphanumeric(last) && last != '-') {
            return Optional.of("registration id ends with '" + last
                    + "'; the last character must be a letter, a digit or '-'");
        }
        return Optional.empty();
    }

    /** The lookup key of a registration id: ids differing only in case are the same device. */
    public static String normalize(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
