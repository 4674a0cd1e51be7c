package io.dpsemu.loadgen.flow;

/** Where a flow is; a flow that runs out of time is counted as {@code {stage}_timeout}. */
public enum Stage {
    CONNECT("connect"),
    TLS("tls"),
    WEBSOCKET("websocket"),
    CONNACK("connack"),
    SUBACK("suback"),
    /** Registered, waiting for the final answer. */
    REGISTER("register"),
    /** An idle session kept open ({@code --hold}). */
    HELD("held");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    public String timeoutKind() {
        return label + "_timeout";
    }
}
