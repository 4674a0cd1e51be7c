package io.dpsemu.server.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.server.load.DeviceApiConnection.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * Registers N devices of one symmetric-key enrollment group with C concurrent clients over the HTTPS
 * device API of one or more dpsemu nodes, and prints completed assignments per second, the latency
 * from the first register request to the {@code assigned} answer (p50/p90/p99/max), and every error.
 *
 * <p>Each client is a thread with one keep-alive TLS connection per endpoint, kept from the
 * {@code --warmup} devices (registered first, not measured: they warm both JITs and open the
 * connections) to the measured ones: this measures the engine and the store, not TLS handshakes.
 * Device {@code i} registers on endpoint
 * {@code i mod E}; it polls every {@code --poll-ms} on the same node ({@code --poll-routing same}),
 * or first on the next node and then round-robin ({@code rotate}: what a load balancer that spreads
 * requests does). A cross-node poll answered 404 is counted and retried on the node that took the
 * register. {@code --honor-retry-after} polls after the server's {@code Retry-After} instead, as the
 * SDKs do. A 429 or 5xx answer to a register waits its {@code Retry-After} and registers again.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -o install -DskipTests}):
 * <pre>
 * mvn -B -q -o -pl server dependency:build-classpath -Dmdep.outputFile=$PWD/cp.txt
 * mvn -B -q -o -pl server test-compile
 * java -cp $(cat cp.txt):server/target/test-classes:server/target/classes io.dpsemu.server.load.LoadGenerator \
 *     --endpoints 127.0.0.1:8443[,127.0.0.1:9443] --ca DATA_DIR/tls/ca.pem[,OTHER/tls/ca.pem] \
 *     --id-scope SCOPE --group-key BASE64 --devices 5000 --concurrency 32 [--warmup 1000] \
 *     [--poll-ms 10] [--poll-routing same|rotate] [--honor-retry-after] [--prefix load-x] [--timeout-seconds 60]
 * </pre>
 * The server under test: a group with that primary key (a seed file, {@code --enrollments}), and for
 * throughput {@code DPSEMU_PROVISIONING_MIN_RESPONSE_DELAY_MILLIS=0} and
 * {@code DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS=1}. Nodes sharing a PostgreSQL store must use the
 * same {@code --id-scope}. Registration ids are {@code PREFIX-i}; the default prefix is new for each
 * run, so each run registers new devices. Exit status 0 when every device was assigned, 1 otherwise,
 * 2 for bad arguments.
 */
public final class LoadGenerator {

    private static final int MAX_CONNECTION_FAILURES_PER_DEVICE = 5;
    private static final int REQUEST_TIMEOUT_MILLIS = 15_000;
    /** Devices given up for broken connections before the run stops: the server is gone. */
    private static final int MAX_UNREACHABLE_DEVICES = 50;

    private final Options options;
    private final AtomicInteger nextDevice = new AtomicInteger();
    private final long[] latencyNanos;
    private final AtomicInteger assigned = new AtomicInteger();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private final LongAdder registers = new LongAdder();
    private final LongAdder polls = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder connectionFailures = new LongAdder();
    private final LongAdder crossNodeNotFound = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> errorExamples = new ConcurrentHashMap<>();
    private final LongAdder[] assignedPerEndpoint;
    private final AtomicInteger unreachableDevices = new AtomicInteger();
    private int first;
    private int last;

    /** One connection per endpoint for each client, kept from the warm-up to the measured run. */
    private final DeviceApiConnection[][] connections;

    private LoadGenerator(Options options, DeviceApiConnection[][] connections) {
        this.options = options;
        this.connections = connections;
        this.latencyNanos = new long[options.devices];
        this.assignedPerEndpoint = new LongAdder[options.endpoints.size()];
        Arrays.setAll(assignedPerEndpoint, i -> new LongAdder());
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        SSLContext tls = DeviceApiConnection.trusting(options.caFiles);
        DeviceApiConnection[][] connections = new DeviceApiConnection[options.concurrency][options.endpoints.size()];
        for (DeviceApiConnection[] client : connections) {
            for (int i = 0; i < client.length; i++) {
                String[] hostPort = options.endpoints.get(i).split(":");
                client[i] = new DeviceApiConnection(hostPort[0], Integer.parseInt(hostPort[1]), tls,
                        REQUEST_TIMEOUT_MILLIS);
            }
        }
        boolean allAssigned;
        try {
            allAssigned = new LoadGenerator(options, connections).run();
        } finally {
            for (DeviceApiConnection[] client : connections) {
                for (DeviceApiConnection connection : client) {
                    connection.close();
                }
            }
        }
        System.exit(allAssigned ? 0 : 1);
    }

    private boolean run() throws InterruptedException {
        System.out.printf(Locale.ROOT, "dpsemu load: %d devices (+%d warm-up), concurrency %d, endpoints %s, "
                        + "poll %s on %s node, prefix %s%n", options.devices, options.warmup, options.concurrency,
                options.endpoints,
                options.honorRetryAfter ? "after Retry-After" : "every " + options.pollMillis + " ms",
                options.rotatePolls ? "the next (round-robin)" : "the register's", options.prefix);
        if (options.warmup > 0) {
            LoadGenerator warmup = new LoadGenerator(options.forWarmup(), connections);
            warmup.phase(0, options.warmup);
            System.out.printf(Locale.ROOT, "warm-up: %d of %d assigned, errors %s%n", warmup.assigned.get(),
                    options.warmup, warmup.errorSummary());
        }
        long elapsed = phase(options.warmup, options.warmup + options.devices);
        report(elapsed);
        return assigned.get() == options.devices;
    }

    /** Registers devices {@code [from, to)}; returns the nanoseconds from start to the last completion. */
    private long phase(int from, int to) throws InterruptedException {
        first = from;
        last = to;
        nextDevice.set(from);
        List<Thread> clients = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(options.concurrency);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < options.concurrency; i++) {
            DeviceApiConnection[] own = connections[i];
            Thread client = new Thread(() -> client(own, ready, go), "load-client-" + i);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        ready.await();
        long start = System.nanoTime();
        lastCompletionNanos.set(start);
        go.countDown();
        for (Thread client : clients) {
            client.join();
        }
        return lastCompletionNanos.get() - start;
    }

    private void client(DeviceApiConnection[] connections, CountDownLatch ready, CountDownLatch go) {
        ready.countDown();
        try {
            go.await();
            for (int i; unreachableDevices.get() < MAX_UNREACHABLE_DEVICES
                    && (i = nextDevice.getAndIncrement()) < last; ) {
                provision(i, connections);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void provision(int index, DeviceApiConnection[] connections) throws InterruptedException {
        String id = options.prefix + "-" + index;
        DeviceRequests device = DeviceRequests.ofGroupMember(options.idScope, options.groupKey, id);
        int home = index % connections.length;
        long started = System.nanoTime();
        long deadline = started + options.timeoutSeconds * 1_000_000_000L;
        int connectionFailuresHere = 0;
        String operationId = null;
        int pollsHere = 0;
        boolean homeOnly = !options.rotatePolls;
        long pollDelayMillis = options.pollMillis;
        while (true) {
            if (System.nanoTime() > deadline) {
                error("timeout", id + ": no final answer within " + options.timeoutSeconds + " s");
                return;
            }
            int target = operationId == null || homeOnly ? home : (home + 1 + pollsHere) % connections.length;
            Response response;
            try {
                if (operationId == null) {
                    registers.increment();
                    response = connections[target].exchange("PUT", device.registerTarget(), device.authorization(),
                            device.registerBody());
                } else {
                    Thread.sleep(pollDelayMillis);
                    polls.increment();
                    pollsHere++;
                    response = connections[target].exchange("GET", device.operationTarget(operationId),
                            device.authorization(), null);
                }
            } catch (IOException e) {
                connectionFailures.increment();
                if (++connectionFailuresHere >= MAX_CONNECTION_FAILURES_PER_DEVICE) {
                    error("connection", id + " on " + connections[target].endpoint() + ": " + e);
                    if (unreachableDevices.incrementAndGet() == MAX_UNREACHABLE_DEVICES) {
                        System.out.println("ABORTED: " + MAX_UNREACHABLE_DEVICES + " devices could not reach a server");
                    }
                    return;
                }
                Thread.sleep(100);
                continue;
            }
            int status = response.status();
            if (status == 429 || status == 500 || status == 503) {
                throttled.increment();
                Thread.sleep(1000L * (response.retryAfterSeconds() == null ? 1 : response.retryAfterSeconds()));
                continue;
            }
            if (operationId == null) {
                JsonNode body = status == 202 ? response.json() : null;
                operationId = body == null ? null : body.path("operationId").asText(null);
                if (operationId == null) {
                    error("register " + status, id + ": " + response);
                    return;
                }
                if (options.honorRetryAfter && response.retryAfterSeconds() != null) {
                    pollDelayMillis = 1000L * response.retryAfterSeconds();
                }
                continue;
            }
            switch (status) {
                case 202 -> {
                    if (options.honorRetryAfter && response.retryAfterSeconds() != null) {
                        pollDelayMillis = 1000L * response.retryAfterSeconds();
                    }
                }
                case 200 -> {
                    String outcome = response.json().path("status").asText();
                    if (!outcome.equals("assigned")) {
                        error("operation " + outcome, id + ": " + response);
                        return;
                    }
                    long now = System.nanoTime();
                    latencyNanos[index - first] = now - started;
                    assigned.incrementAndGet();
                    assignedPerEndpoint[home].increment();
                    lastCompletionNanos.accumulateAndGet(now, Math::max);
                    return;
                }
                case 404 -> {
                    if (target == home) {
                        error("poll 404", id + " on " + connections[target].endpoint() + ": " + response);
                        return;
                    }
                    // this node does not know the other node's operation: ask the node that took the register
                    crossNodeNotFound.increment();
                    homeOnly = true;
                }
                default -> {
                    error("poll " + status, id + ": " + response);
                    return;
                }
            }
        }
    }

    private void error(String kind, String example) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        errorExamples.putIfAbsent(kind, example);
    }

    private String errorSummary() {
        Map<String, Long> counts = new TreeMap<>();
        errors.forEach((kind, n) -> counts.put(kind, n.sum()));
        return counts.isEmpty() ? "none" : counts.toString();
    }

    private void report(long elapsedNanos) {
        int done = assigned.get();
        long[] sorted = new long[done];
        int n = 0;
        for (long latency : latencyNanos) {
            if (latency > 0) {
                sorted[n++] = latency;
            }
        }
        Arrays.sort(sorted, 0, n);
        double seconds = elapsedNanos / 1e9;
        System.out.printf(Locale.ROOT, "assigned %d of %d in %.3f s = %.1f registrations/s%n", done, options.devices,
                seconds, done / seconds);
        if (n > 0) {
            System.out.printf(Locale.ROOT, "latency register->assigned ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  "
                            + "mean %.1f%n", percentile(sorted, n, 50), percentile(sorted, n, 90),
                    percentile(sorted, n, 99), sorted[n - 1] / 1e6,
                    Arrays.stream(sorted, 0, n).average().orElse(0) / 1e6);
        }
        System.out.printf(Locale.ROOT, "requests: registers %d, polls %d (%.2f per device), 429/5xx %d, connection "
                        + "failures %d, cross-node polls answered 404 %d%n", registers.sum(), polls.sum(),
                polls.sum() / (double) Math.max(1, options.devices), throttled.sum(), connectionFailures.sum(),
                crossNodeNotFound.sum());
        StringBuilder perEndpoint = new StringBuilder();
        for (int i = 0; i < assignedPerEndpoint.length; i++) {
            perEndpoint.append(i == 0 ? "" : ", ").append(options.endpoints.get(i)).append(' ')
                    .append(assignedPerEndpoint[i].sum());
        }
        System.out.println("assigned by register node: " + perEndpoint);
        System.out.println("errors: " + errorSummary());
        errorExamples.forEach((kind, example) -> System.out.println("  e.g. " + kind + ": " + example));
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double percentile(long[] sorted, int n, int p) {
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)] / 1e6;
    }

    private record Options(List<String> endpoints, List<Path> caFiles, String idScope, String groupKey, int devices,
            int concurrency, int warmup, String prefix, long pollMillis, boolean rotatePolls, boolean honorRetryAfter,
            int timeoutSeconds) {

        static final String USAGE = "usage: LoadGenerator --endpoints HOST:PORT[,HOST:PORT...] --ca PEM[,PEM...]"
                + " --id-scope SCOPE --group-key BASE64 [--devices 1000] [--concurrency 16] [--warmup 0]"
                + " [--prefix load-RANDOM] [--poll-ms 10] [--poll-routing same|rotate] [--honor-retry-after]"
                + " [--timeout-seconds 60]";

        static Options parse(String[] args) {
            Map<String, String> values = new TreeMap<>();
            boolean honorRetryAfter = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--honor-retry-after")) {
                    honorRetryAfter = true;
                } else if (arg.startsWith("--") && i + 1 < args.length) {
                    values.put(arg.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unexpected argument " + arg);
                }
            }
            List<String> endpoints = list(required(values, "endpoints"));
            for (String endpoint : endpoints) {
                if (!endpoint.matches("[^:]+:\\d+")) {
                    throw new IllegalArgumentException("endpoint " + endpoint + " is not HOST:PORT");
                }
            }
            String routing = values.getOrDefault("poll-routing", "same");
            if (!routing.equals("same") && !routing.equals("rotate")) {
                throw new IllegalArgumentException("--poll-routing is same or rotate, not " + routing);
            }
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            Options options = new Options(endpoints, list(required(values, "ca")).stream().map(Path::of).toList(),
                    required(values, "id-scope"), required(values, "group-key"),
                    number(values, "devices", 1000), number(values, "concurrency", 16), number(values, "warmup", 0),
                    values.getOrDefault("prefix", "load-" + HexFormat.of().formatHex(random)),
                    number(values, "poll-ms", 10), routing.equals("rotate"), honorRetryAfter,
                    number(values, "timeout-seconds", 60));
            values.keySet().removeAll(List.of("endpoints", "ca", "id-scope", "group-key", "devices", "concurrency",
                    "warmup", "prefix", "poll-ms", "poll-routing", "timeout-seconds"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + values.keySet());
            }
            if (options.devices < 1 || options.concurrency < 1) {
                throw new IllegalArgumentException("--devices and --concurrency must be at least 1");
            }
            return options;
        }

        /** The same load on other devices ({@code PREFIX-0 .. PREFIX-(warmup-1)}), whose results are not kept. */
        Options forWarmup() {
            return new Options(endpoints, caFiles, idScope, groupKey, warmup, concurrency, 0, prefix, pollMillis,
                    rotatePolls, honorRetryAfter, timeoutSeconds);
        }

        private static String required(Map<String, String> values, String name) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }

        private static int number(Map<String, String> values, String name, int defaultValue) {
            String value = values.get(name);
            try {
                return value == null ? defaultValue : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, not " + value);
            }
        }

        private static List<String> list(String value) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
