package io.dpsemu.server.faults;

import io.dpsemu.server.metrics.InjectedFault;

/** What the server does instead of (or on top of) its normal answer when a fault rule fires. */
public sealed interface FaultAction {

    /** The action as {@code dps_faults_fired_total} counts it. */
    InjectedFault kind();

    /**
     * Answer the request with this DPS error; the HTTP and MQTT status is {@code errorCode / 1000}.
     *
     * @param retryAfterSeconds the {@code Retry-After} header or {@code retry-after} topic parameter, or null
     */
    record Respond(int errorCode, String message, Integer retryAfterSeconds) implements FaultAction {

        public int status() {
            return errorCode / 1000;
        }

        @Override
        public InjectedFault kind() {
            return InjectedFault.RESPOND;
        }

        @Override
        public String toString() {
            return "respond " + errorCode
                    + (retryAfterSeconds == null ? "" : " retry-after " + retryAfterSeconds + " s")
                    + " \"" + message + "\"";
        }
    }

    /** Answer normally, but this much later. */
    record Delay(long millis) implements FaultAction {

        @Override
        public InjectedFault kind() {
            return InjectedFault.DELAY;
        }

        @Override
        public String toString() {
            return "delay " + millis + " ms";
        }
    }

    /** Close the device's connection instead of answering. */
    record Drop() implements FaultAction {

        @Override
        public InjectedFault kind() {
            return InjectedFault.DROP;
        }

        @Override
        public String toString() {
            return "drop the connection";
        }
    }

    /** Accept the register request, then end its operation {@code failed} with this error (register only). */
    record FailOperation(int errorCode, String message) implements FaultAction {

        @Override
        public InjectedFault kind() {
            return InjectedFault.FAIL_OPERATION;
        }

        @Override
        public String toString() {
            return "fail the operation with " + errorCode + " \"" + message + "\"";
        }
    }
}
