package io.dpsemu.server;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes sure a directory the server writes to exists and can be written, before anything is written
 * there: otherwise the first write (the id scope, a TLS key, the SQLite file) would fail deep inside
 * start-up. A new directory is owner-only (it holds enrollment keys and the CA's private key).
 *
 * <p>The usual cause is a container volume or host directory owned by another uid than the
 * server's, so the message names the directory, its owner and mode, the process's uid and the fix.
 * Only the directory itself is probed: files in it may be read-only on purpose (a certificate mounted
 * from a secret), and one the server cannot write is reported when it writes it.
 */
final class WritableDirectory {

    private static final String PROBE_PREFIX = ".dpsemu-write-check";

    private WritableDirectory() {
    }

    /**
     * @param directory the directory
     * @param what      what it is, for the message ("the data directory")
     * @param setting   where its path is set, for the message ("--data-dir or DPSEMU_DATA_DIR")
     */
    static void prepare(Path directory, String what, String setting) {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
            Files.delete(Files.createTempFile(dir, PROBE_PREFIX, ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(dir, nearestExisting(dir), what, setting, e);
        }
    }

    private static Path nearestExisting(Path dir) {
        Path existing = dir;
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing;
    }

    private static UnwritableDirectoryException refused(Path dir, Path culprit, String what, String setting,
            Exception cause) {
        String identity = ProcessIdentity.describe();
        String reason = reason(cause);
        StringBuilder message = new StringBuilder(what).append(' ').append(dir);
        message.append(Files.isDirectory(dir) ? " is not writable by " : " cannot be created by ").append(identity);
        if (Files.isRegularFile(culprit) && dir.startsWith(culprit)) {
            message.append(": ").append(culprit).append(" is a file, not a directory. Choose");
        } else {
            message.append(": ").append(culprit).append(' ').append(ownership(culprit));
            if (reason != null) {
                message.append(" (").append(reason).append(')');
            }
            if (reason != null && reason.contains("Read-only file system")) {
                message.append(". Mount it read-write, or choose");
            } else if (Files.isDirectory(dir) && ownedByThisProcess(culprit)) {
                message.append(". Let its owner write: chmod -R u+rwX ").append(dir).append(", or choose");
            } else if (Files.isDirectory(dir)) {
                message.append(". Give it to ").append(identity).append(": chown -R ")
                        .append(ProcessIdentity.uidOrUser()).append(' ').append(dir)
                        .append(" (for a container: of the host directory or volume mounted there), or choose");
            } else {
                message.append(". Create it for ").append(identity).append(": mkdir -p ").append(dir)
                        .append(" && chown ").append(ProcessIdentity.uidOrUser()).append(' ').append(dir)
                        .append(", or choose");
            }
        }
        message.append(" another directory with ").append(setting).append('.');
        return new UnwritableDirectoryException(message.toString(), cause);
    }

    private static boolean ownedByThisProcess(Path path) {
        try {
            return String.valueOf(Files.getAttribute(path, "unix:uid")).equals(ProcessIdentity.uidOrUser());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String ownership(Path path) {
        try {
            Object ownerUid = Files.getAttribute(path, "unix:uid");
            String owner = Files.getOwner(path).getName();
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
            String name = owner.equals(String.valueOf(ownerUid)) ? "" : " (" + owner + ")";
            return "belongs to uid " + ownerUid + name + ", mode " + mode;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot be written";
        }
    }

    private static String reason(Exception cause) {
        if (cause instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        if (cause instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return cause == null ? null : cause.getClass().getSimpleName();
    }
}
