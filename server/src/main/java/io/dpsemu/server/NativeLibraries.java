package io.dpsemu.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where SQLite's and Netty's native libraries (TLS, epoll) are unpacked before they are loaded: by
 * default {@code java.io.tmpdir}, which fails where {@code /tmp} is mounted {@code noexec} (the tmpfs
 * of a read-only container). {@value #ENV_DIRECTORY} names a directory that allows executables instead;
 * it must be applied before either library is first loaded, so the command line does it first thing.
 */
public final class NativeLibraries {

    public static final String ENV_DIRECTORY = "DPSEMU_NATIVE_DIR";
    /** sqlite-jdbc's unpack directory; it does not create it (Netty creates its own). */
    static final String SQLITE_DIRECTORY = "org.sqlite.tmpdir";
    static final String NETTY_DIRECTORY = "io.netty.native.workdir";

    private NativeLibraries() {
    }

    /**
     * Points both libraries at {@value #ENV_DIRECTORY} when it is set; a {@code -D} of either property
     * given to the JVM wins.
     */
    public static void configure(Map<String, String> env) {
        String directory = env.get(ENV_DIRECTORY);
        if (directory == null || directory.isBlank()) {
            return;
        }
        String absolute = Path.of(directory.trim()).toAbsolutePath().normalize().toString();
        for (String property : new String[] {SQLITE_DIRECTORY, NETTY_DIRECTORY}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, absolute);
            }
        }
    }

    /** The directory SQLite unpacks to when one was chosen: the server creates it before opening the store. */
    static Optional<Path> directory() {
        return Optional.ofNullable(System.getProperty(SQLITE_DIRECTORY)).map(Path::of);
    }
}
