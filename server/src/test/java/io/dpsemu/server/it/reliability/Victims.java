package io.dpsemu.server.it.reliability;

import io.dpsemu.protocol.auth.DerivedKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ordinary devices registering one after another, one thread per transport given, each thread's
 * devices in an enrollment group of their own (so that no limit per enrollment ever concerns them),
 * each device on its own connection: how long each registration takes from connecting to
 * {@code assigned}, and every answer they got, for a test to judge what a flood did to them.
 */
final class Victims implements AutoCloseable {

    /** One registration: when it started and finished (System.nanoTime()), over which transport. */
    record Registration(String transport, long startedNanos, long finishedNanos) {
        long millis() {
            return (finishedNanos - startedNanos) / 1_000_000;
        }
    }

    /** Only a server that stopped serving makes a registration take this long. */
    private static final Duration BOUND = Duration.ofMinutes(2);

    private final Target target;
    private final List<String> groupKeys;
    private final String prefix;
    private final List<String> transports;
    private final List<Registration> registrations = Collections.synchronizedList(new ArrayList<>());
    private final List<Answer> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger started = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param transports one thread per entry
     * @param groupKeys  the primary key of each thread's enrollment group, in the same order
     */
    Victims(Target target, String prefix, List<String> transports, List<String> groupKeys) {
        if (groupKeys.size() != transports.size()) {
            throw new IllegalArgumentException("one group per transport");
        }
        this.target = target;
        this.groupKeys = groupKeys;
        this.prefix = prefix;
        this.transports = transports;
    }

    void start() {
        for (int i = 0; i < transports.size(); i++) {
            String transport = transports.get(i);
            String groupKey = groupKeys.get(i);
            Thread thread = new Thread(() -> run(transport, groupKey), "victim-" + i + "-" + transport);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Lets each thread finish the registration it is on, then joins them. */
    @Override
    public void close() {
        stopping = true;
        for (Thread thread : threads) {
            try {
                thread.join(BOUND.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Registration ids started so far: each holds at most one operation in the server's table. */
    int started() {
        return started.get();
    }

    List<Registration> registrations() {
        synchronized (registrations) {
            return List.copyOf(registrations);
        }
    }

    /** Waits until every thread has had {@code count} registrations assigned (the JVM and the server are warm). */
    void awaitEachAssigned(int count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (transports.stream().anyMatch(t -> registrations().stream().filter(r -> r.transport().equals(t)).count()
                < count * transports.stream().filter(t::equals).count())) {
            if (System.nanoTime() > deadline || !failures().isEmpty()) {
                throw new AssertionError("devices not assigned within " + bound.toSeconds() + " s: " + failures()
                        + " " + unexpectedAnswers());
            }
            Thread.sleep(50);
        }
    }

    /** Registrations that started at or after {@code fromNanos} and finished before {@code toNanos}. */
    List<Registration> between(long fromNanos, long toNanos) {
        return registrations().stream().filter(r -> r.startedNanos() >= fromNanos && r.finishedNanos() <= toNanos)
                .toList();
    }

    /** Answers other than {@code 202 assigning} and {@code 200 assigned}: a victim should never see one. */
    List<Answer> unexpectedAnswers() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    /** Registrations that never ended assigned. */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private void run(String transport, String groupKey) {
        while (!stopping) {
            String id = prefix + "-" + transport + "-" + started.incrementAndGet();
            long begun = System.nanoTime();
            try (RetryingDevice device = new RetryingDevice(target.link(transport,
                    target.device(id, DerivedKeys.deviceKey(groupKey, id))))) {
                try {
                    device.provision(BOUND);
                    registrations.add(new Registration(transport, begun, System.nanoTime()));
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                } finally {
                    device.answers().stream().filter(a -> !a.assigning() && !a.assigned()).forEach(unexpected::add);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The {@code percent} percentile (nearest rank) of the registrations' durations, in ms. */
    static long percentile(List<Registration> sample, double percent) {
        if (sample.isEmpty()) {
            throw new AssertionError("no registration to measure");
        }
        long[] millis = sample.stream().mapToLong(Registration::millis).sorted().toArray();
        int rank = (int) Math.ceil(percent / 100 * millis.length);
        return millis[Math.max(0, rank - 1)];
    }
}
