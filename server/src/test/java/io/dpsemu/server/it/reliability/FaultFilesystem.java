package io.dpsemu.server.it.reliability;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real file system to break under a running server: a size-limited tmpfs (to fill up) or an ext4
 * image on a loop device (to freeze with {@code fsfreeze}, or to turn read-only the way the kernel
 * does after an I/O error). It needs root and util-linux/e2fsprogs; {@link #assumeUsable} skips the
 * calling test with the reason when they are missing, or fails it when {@value #REQUIRED_VARIABLE}
 * is {@code true} (as in CI), so that these tests cannot pass by not running.
 *
 * <p>Nothing may outlive the test. {@link #close()} thaws, unmounts, detaches the loop device and
 * deletes the image; and a guard process outside this JVM (in its own session) does the same if
 * this JVM dies first. A frozen file system blocks every process that writes to it, this JVM's
 * server threads included, and would block the test too if it touched it; so a freeze is undone by
 * separate processes ({@code fsfreeze -u}), from {@link #close()} (an {@code @AfterEach}, which runs
 * even when the server is stuck) or at the latest when the longest freeze the test asked for is over,
 * by a watchdog thread and by a second guard process, whichever comes first.
 */
final class FaultFilesystem implements AutoCloseable {

    static final String REQUIRED_VARIABLE = "DPSEMU_TEST_FILESYSTEM_FAULTS_REQUIRED";

    /** What a test needs of the machine. */
    enum Kind {
        TMPFS("mount", "umount"),
        EXT4_LOOP("mount", "umount", "losetup", "mkfs.ext4", "e2fsck", "fsfreeze");

        private final String[] tools;

        Kind(String... tools) {
            this.tools = tools;
        }
    }

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** How long a busy file system is given to be let go of before that counts as a leak. */
    private static final Duration UNMOUNT_PATIENCE = Duration.ofSeconds(20);
    private static final List<String> TOOL_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");
    private static final Map<Kind, String> PROBLEMS = new ConcurrentHashMap<>();

    private final Path base;
    private final Path root;
    private final String device;
    private final String mountOptions;
    private final Process lifetimeGuard;
    private volatile boolean frozen;
    private Process freezeGuard;
    private Thread watchdog;
    private Thread shutdownHook;

    private FaultFilesystem(Path base, Path root, String device, String mountOptions) {
        this.base = base;
        this.root = root;
        this.device = device;
        this.mountOptions = mountOptions;
        this.lifetimeGuard = guard(base, root, device, 0);
    }

    /**
     * Skips the calling test, naming what is missing, unless this machine can make file systems of
     * this kind (root, the tools, and a mount that works: a container may forbid it).
     */
    static void assumeUsable(Kind kind) {
        String problem = PROBLEMS.computeIfAbsent(kind, FaultFilesystem::probe);
        if (problem.isEmpty()) {
            return;
        }
        String message = "store-fault test on a real file system skipped: " + problem + ". It runs as root on a"
                + " machine that may mount tmpfs and loop devices (CI does; see README, Reliability suite)";
        if (Boolean.parseBoolean(System.getenv(REQUIRED_VARIABLE))) {
            fail(message + "; " + REQUIRED_VARIABLE + " says it must run here");
        }
        assumeTrue(false, message);
    }

    /** A tmpfs of {@code size} (as {@code mount -o size=} takes it, e.g. {@code 8m}). */
    static FaultFilesystem tmpfs(String size) throws IOException {
        Path base = Files.createTempDirectory("dpsemu-reliability-");
        Path root = Files.createDirectory(base.resolve("mnt"));
        String options = "size=" + size + ",mode=0700";
        try {
            run("mount", "-t", "tmpfs", "-o", options, "tmpfs", root.toString());
        } catch (RuntimeException e) {
            deleteTree(base);
            throw e;
        }
        return new FaultFilesystem(base, root, null, options);
    }

    /**
     * An ext4 file system of {@code megabytes} on a loop device, mounted with {@code errors=remount-ro}
     * (the common production setting: the kernel turns the file system read-only on an I/O error).
     */
    static FaultFilesystem ext4(int megabytes) throws IOException {
        Path base = Files.createTempDirectory("dpsemu-reliability-");
        Path root = Files.createDirectory(base.resolve("mnt"));
        Path image = base.resolve("disk.img");
        String device = null;
        try {
            run("truncate", "-s", megabytes + "M", image.toString());
            run("mkfs.ext4", "-q", "-F", image.toString());
            device = run("losetup", "--find", "--show", image.toString()).trim();
            String options = "errors=remount-ro";
            run("mount", "-t", "ext4", "-o", options, device, root.toString());
            return new FaultFilesystem(base, root, device, options);
        } catch (RuntimeException e) {
            if (device != null) {
                runQuietly("losetup", "-d", device);
            }
            deleteTree(base);
            throw e;
        }
    }

    /** Where the file system is mounted. */
    Path root() {
        return root;
    }

    /** Writes a file until the file system has no space left; returns its size. */
    long fill() throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(root.resolve("filler"))) {
            for (int chunk : new int[] {1 << 20, 4096, 512, 1}) {
                byte[] bytes = new byte[chunk];
                try {
                    while (true) {
                        out.write(bytes);
                        out.flush();
                        written += chunk;
                    }
                } catch (IOException full) {
                    // no room for a chunk this size: try smaller ones
                }
            }
        } catch (IOException closingFull) {
            // closing may report the same lack of space
        }
        return written;
    }

    /** Deletes what {@link #fill()} wrote. */
    void freeFiller() throws IOException {
        Files.deleteIfExists(root.resolve("filler"));
    }

    /**
     * {@code fsfreeze -f}: every write to the file system blocks until {@link #thaw()}. Thawed at
     * the latest after {@code atMost}, whatever happens to the test.
     */
    synchronized void freeze(Duration atMost) throws IOException {
        requireLoopDevice("freeze");
        long seconds = Math.max(1, atMost.toSeconds());
        freezeGuard = guard(base, root, device, seconds);
        watchdog = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(seconds);
                thaw();
            } catch (InterruptedException e) {
                // thawed in time
            }
        }, "fsfreeze-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        shutdownHook = new Thread(this::thaw, "fsfreeze-thaw-at-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        frozen = true;
        try {
            run("fsfreeze", "-f", root.toString());
        } catch (RuntimeException e) {
            thaw();
            throw e;
        }
    }

    /** {@code fsfreeze -u}, from a separate process (this JVM's own threads may be the ones blocked). */
    synchronized void thaw() {
        if (!frozen) {
            return;
        }
        runQuietly("fsfreeze", "-u", root.toString());
        frozen = false;
        if (watchdog != null && watchdog != Thread.currentThread()) {
            watchdog.interrupt();
        }
        if (freezeGuard != null) {
            freezeGuard.destroy();
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down
            }
        }
    }

    /**
     * Makes the kernel turn the file system read-only, as it does after an I/O error under
     * {@code errors=remount-ro} (ext4's {@code trigger_fs_error}). Files open for writing stay open
     * and every write fails with EROFS. A plain {@code mount -o remount,ro} cannot do this: the kernel
     * refuses it (EBUSY) while a file is open for writing, and the server's database always is.
     */
    void failReadOnly() throws IOException {
        requireLoopDevice("turn read-only");
        Path trigger = Path.of("/sys/fs/ext4", Path.of(device).getFileName().toString(), "trigger_fs_error");
        assumeTrue(Files.isWritable(trigger), "this kernel has no " + trigger + " to turn ext4 read-only");
        Files.writeString(trigger, "dpsemu reliability test: simulated I/O error");
    }

    /**
     * What an operator does after an I/O error, once the server has stopped: unmount, {@code e2fsck}
     * and mount again, writable.
     */
    void repair() {
        requireLoopDevice("repair");
        String holders = unmount();
        if (!holders.isEmpty()) {
            throw new IllegalStateException("cannot unmount " + root + " to repair it: " + holders);
        }
        // exit status 1 means "errors corrected", which is what a read-only-after-error file system needs
        String output = run(List.of(0, 1), "e2fsck", "-f", "-y", device);
        System.out.println("e2fsck " + device + ":\n" + output.trim());
        run("mount", "-t", "ext4", "-o", mountOptions, device, root.toString());
    }

    /** Thaws, unmounts, detaches the loop device and deletes everything; reports what could not be undone. */
    @Override
    public void close() {
        thaw();
        lifetimeGuard.destroy();
        List<String> problems = new ArrayList<>();
        if (mounted()) {
            String holders = unmount();
            if (!holders.isEmpty()) {
                problems.add(holders + "; it is only detached lazily (umount -l)");
                runQuietly("umount", "-l", root.toString());
            }
        }
        if (device != null && !runQuietly("losetup", "-d", device)) {
            problems.add("could not detach " + device);
        }
        if (mounted()) {
            problems.add(root + " is still mounted; " + base + " is left in place");
        } else {
            deleteTree(base);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cleaning up the test file system: " + String.join("; ", problems));
        }
    }

    /**
     * A shell in its own session, so that nothing aimed at the test run's process group stops it.
     * While this JVM lives it waits; with {@code thawAfterSeconds} above 0 it thaws then and ends.
     * Once this JVM is gone it thaws, unmounts, detaches and deletes what the test left.
     */
    private static Process guard(Path base, Path root, String device, long thawAfterSeconds) {
        String script = "jvm=$1; base=$2; mnt=$3; dev=$4; left=$5;"
                + " while kill -0 \"$jvm\" 2>/dev/null; do"
                + "   if [ \"$left\" -gt 0 ]; then left=$((left - 1));"
                + "     if [ \"$left\" -eq 0 ]; then fsfreeze -u \"$mnt\" 2>/dev/null; exit 0; fi; fi;"
                + "   sleep 1;"
                + " done;"
                + " fsfreeze -u \"$mnt\" 2>/dev/null;"
                + " umount \"$mnt\" 2>/dev/null || umount -l \"$mnt\" 2>/dev/null;"
                + " if [ -n \"$dev\" ]; then losetup -d \"$dev\" 2>/dev/null; fi;"
                + " case \"$base\" in */dpsemu-reliability-*) rm -rf \"$base\";; esac";
        List<String> command = new ArrayList<>();
        String setsid = tool("setsid");
        if (setsid != null) {
            command.add(setsid);
        }
        command.addAll(List.of("sh", "-c", script, "dpsemu-fs-guard", Long.toString(ProcessHandle.current().pid()),
                base.toString(), root.toString(), device == null ? "" : device, Long.toString(thawAfterSeconds)));
        try {
            return new ProcessBuilder(command).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the guard of " + root, e);
        }
    }

    /**
     * Unmounts, trying again for a while when the file system is busy (a file the server closed may
     * still be held for a moment, by the kernel or by a process forked while it was open).
     *
     * @return "" once unmounted; otherwise what still holds the file system, for the failure message
     */
    private String unmount() {
        long deadline = System.nanoTime() + UNMOUNT_PATIENCE.toNanos();
        while (true) {
            try {
                run("umount", root.toString());
                return "";
            } catch (IllegalStateException busy) {
                if (!mounted()) {
                    return "";
                }
                if (System.nanoTime() > deadline) {
                    return busy.getMessage() + "; held by: " + holders();
                }
                sleep(250);
            }
        }
    }

    /** The processes with a file, a mapping or a working directory under {@link #root}, and which. */
    private String holders() {
        List<String> found = new ArrayList<>();
        String prefix = root + "/";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                List<String> held = new ArrayList<>();
                String command;
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith(prefix)) {
                            held.add("fd " + fd.getFileName() + " " + target);
                        }
                    }
                    Files.readAllLines(process.resolve("maps")).stream().filter(line -> line.contains(prefix))
                            .map(line -> "mapped " + line.substring(line.indexOf(prefix))).distinct()
                            .forEach(held::add);
                    String cwd = Files.readSymbolicLink(process.resolve("cwd")).toString();
                    if (cwd.equals(root.toString()) || cwd.startsWith(prefix)) {
                        held.add("cwd " + cwd);
                    }
                    command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').trim();
                } catch (IOException gone) {
                    continue; // the process ended, or is not ours to inspect
                }
                if (!held.isEmpty()) {
                    found.add("pid " + process.getFileName() + (process.getFileName().toString()
                            .equals(Long.toString(ProcessHandle.current().pid())) ? " (this JVM)" : "")
                            + " [" + command.substring(0, Math.min(120, command.length())) + "] " + held);
                }
            }
        } catch (IOException e) {
            return "(cannot list processes: " + e + ")";
        }
        return found.isEmpty() ? "no process (a kernel reference)" : String.join("; ", found);
    }

    private boolean mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(line -> line.split(" ")[1].equals(root.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireLoopDevice(String what) {
        if (device == null) {
            throw new IllegalStateException("only the ext4 file system can " + what);
        }
    }

    /** Why this machine cannot make file systems of {@code kind}, or "" when it can. */
    private static String probe(Kind kind) {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return "it needs Linux (this is " + System.getProperty("os.name") + ")";
        }
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (uid != 0) {
                return "it needs root to mount file systems (running as uid " + uid + ")";
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot tell whether this process is root: " + e;
        }
        for (String tool : kind.tools) {
            if (tool(tool) == null) {
                return "'" + tool + "' is not installed (Debian packages util-linux, mount and e2fsprogs)";
            }
        }
        try (FaultFilesystem probe = kind == Kind.TMPFS ? tmpfs("1m") : ext4(16)) {
            return "";
        } catch (IOException | RuntimeException e) {
            return "a test " + (kind == Kind.TMPFS ? "tmpfs" : "ext4 loop device") + " could not be set up ("
                    + e.getMessage() + ")";
        }
    }

    private static String tool(String name) {
        return TOOL_DIRECTORIES.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst()
                .map(Path::toString).orElse(null);
    }

    private static String run(String... command) {
        return run(List.of(0), command);
    }

    /** Runs a command from {@code /} (never from inside a test file system) and returns its output. */
    private static String run(List<Integer> okStatuses, String... command) {
        List<String> resolved = new ArrayList<>(List.of(command));
        String path = tool(command[0]);
        if (path != null) {
            resolved.set(0, path);
        }
        try {
            Process process = new ProcessBuilder(resolved).directory(new File("/")).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (!okStatuses.contains(process.exitValue())) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private static boolean runQuietly(String... command) {
        try {
            run(command);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
