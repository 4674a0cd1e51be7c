package io.dpsemu.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, for messages about files it may not write. */
final class ProcessIdentity {

    /** Owned by the process's effective uid (Linux). */
    private static final Path PROC_SELF = Path.of("/proc/self");

    private ProcessIdentity() {
    }

    /** {@code uid 10001}, with the user name when the system knows one: {@code uid 1000 (me)}. */
    static String describe() {
        String user = System.getProperty("user.name");
        boolean named = user != null && !user.isBlank() && !user.equals("?");
        String uid = uid();
        if (uid == null) {
            return "user " + (named ? user : "?");
        }
        return named && !user.equals(uid) ? "uid " + uid + " (" + user + ")" : "uid " + uid;
    }

    /** What {@code chown} takes for this process's user. */
    static String uidOrUser() {
        String uid = uid();
        return uid != null ? uid : System.getProperty("user.name", "?");
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(PROC_SELF, "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException notLinux) {
            return null;
        }
    }
}
