package io.dpsemu.server.it.reliability;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A device that keeps trying as a well-behaved device does, driven until it is assigned: it
 * registers, polls while its operation is assigning, repeats the same request after the
 * retry-after of a {@code 429} or {@code 503}, registers again when the server no longer knows its
 * operation (after a restart), and reconnects after a broken connection. Anything else (a
 * {@code failed} operation, another error) ends it: that is the answer a real SDK gives up on.
 * Every answer is kept, for the test to judge.
 */
final class RetryingDevice implements AutoCloseable {

    private static final long RECONNECT_PAUSE_MILLIS = 200;

    private final DeviceLink link;
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());

    RetryingDevice(DeviceLink link) {
        this.link = link;
    }

    String registrationId() {
        return link.registrationId();
    }

    String transport() {
        return link.transport();
    }

    /** Every answer so far, oldest first. */
    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /**
     * Registers until assigned.
     *
     * @param bound how long the device keeps trying: a safety net, far above what the test expects
     * @return the {@code assigned} answer
     * @throws AssertionError on an answer a device cannot retry, or when the bound passes
     */
    Answer provision(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        String operationId = null;
        while (System.nanoTime() < deadline) {
            Answer answer;
            try {
                answer = operationId == null ? link.register() : link.poll(operationId);
            } catch (IOException e) {
                answers.add(Answer.lost(link.transport(), operationId == null ? "register" : "poll", e));
                TimeUnit.MILLISECONDS.sleep(RECONNECT_PAUSE_MILLIS);
                continue;
            }
            answers.add(answer);
            if (answer.assigned()) {
                return answer;
            } else if (answer.assigning()) {
                if (operationId == null) {
                    // the server waits for the commit on the first poll, so poll at once
                    operationId = answer.operationId();
                    continue;
                }
            } else if (answer.operationUnknown() && operationId != null) {
                operationId = null;
                continue;
            } else if (!answer.retryLater()) {
                throw new AssertionError(describe("got an answer a device cannot retry: " + answer));
            }
            TimeUnit.SECONDS.sleep(answer.retryAfterSeconds());
        }
        throw new AssertionError(describe("not assigned within " + bound.toSeconds() + " s"));
    }

    String describe(String what) {
        List<Answer> log = answers();
        StringBuilder text = new StringBuilder(link.transport()).append(" device ").append(link.registrationId())
                .append(' ').append(what).append("; its answers:");
        // the first and the last ones tell the story; a long run of retries in between does not
        int from = Math.max(5, log.size() - 15);
        for (int i = 0; i < log.size(); i++) {
            if (i < 5 || i >= from) {
                text.append("\n  ").append(log.get(i));
            } else if (i == 5) {
                text.append("\n  ... ").append(from - 5).append(" more ...");
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        link.close();
    }
}
