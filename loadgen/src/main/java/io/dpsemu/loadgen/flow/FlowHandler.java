package io.dpsemu.loadgen.flow;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.flow.FlowResult.Outcome;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One device's provisioning flow on one connection: TLS, then the transport's own steps (in the
 * subclass), then register and poll until a final answer. Everything runs on the channel's event
 * loop, so the flow's state needs no locking; the waits between polls are timers, never sleeps.
 */
public abstract class FlowHandler extends ChannelInboundHandlerAdapter {

    protected final Device device;
    protected final FlowSettings settings;
    private final boolean measured;
    private final FlowListener listener;
    private final long[] latencies = new long[Latency.values().length];
    private long startNanos;
    private long stageStartNanos;
    private long registerSentNanos;
    private Stage stage = Stage.CONNECT;
    private String operationId;
    private int polls;
    private boolean finished;
    private boolean held;
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> nextRequest;

    protected FlowHandler(Device device, FlowSettings settings, boolean measured, FlowListener listener) {
        this.device = device;
        this.settings = settings;
        this.measured = measured;
        this.listener = listener;
        Arrays.fill(latencies, -1);
    }

    /** Marks the start of the flow; called just before connecting. */
    public final void start() {
        startNanos = System.nanoTime();
        stageStartNanos = startNanos;
    }

    /** The TCP connection could not be made. */
    public final void connectFailed(Throwable cause) {
        finish(Outcome.FAILED, ErrorKinds.ofConnect(cause), ErrorKinds.describe(cause));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        measure(Latency.CONNECT);
        listener.connected(ctx.channel().remoteAddress());
        enter(Stage.TLS);
        long left = settings.timeout().toNanos() - (System.nanoTime() - startNanos);
        deadline = ctx.executor().schedule(() -> fail(ctx, stage.timeoutKind(),
                "no answer within " + settings.timeout().toMillis() + " ms"), Math.max(0, left), TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                measure(Latency.TLS);
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                listener.secured(tls == null ? null : tls.engine().getSession());
                secured(ctx);
            } else {
                fail(ctx, "tls", ErrorKinds.describe(handshake.cause()));
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        if (held) {
            listener.heldSessionClosed();
        } else {
            finish(Outcome.FAILED, "connection_closed", "the server closed the connection in stage " + stage);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, ErrorKinds.of(cause), ErrorKinds.describe(cause));
    }

    /** TLS is up: the transport's next step. */
    protected abstract void secured(ChannelHandlerContext ctx);

    protected abstract void sendRegister(ChannelHandlerContext ctx);

    protected abstract void sendPoll(ChannelHandlerContext ctx, String operationId);

    /** Ends the connection of a finished flow the way a device does. */
    protected void closeConnection(ChannelHandlerContext ctx) {
        ctx.close();
    }

    protected final void enter(Stage next) {
        stage = next;
        stageStartNanos = System.nanoTime();
    }

    /** Records the time since the current stage began. */
    protected final void measure(Latency latency) {
        latencies[latency.ordinal()] = System.nanoTime() - stageStartNanos;
    }

    protected final FlowListener listener() {
        return listener;
    }

    protected final boolean isFinished() {
        return finished;
    }

    protected final byte[] registerBody() {
        // csr is left out when null: a device without one sends what it always sent
        return DpsJson.write(new DeviceRegistration(device.registrationId(), settings.payload(), null, device.csr()));
    }

    protected final void register(ChannelHandlerContext ctx) {
        enter(Stage.REGISTER);
        registerSentNanos = stageStartNanos;
        sendRegister(ctx);
    }

    /** Connected and subscribed: kept open and idle, no longer bound by the flow's deadline. */
    protected final void hold() {
        stage = Stage.HELD;
        held = true;
        finish(Outcome.HELD, null, null);
    }

    /**
     * Acts on a DPS answer, the same for every transport: the MQTT response topic carries the HTTP
     * status and retry-after that HTTPS carries in its status line and header.
     */
    protected final void onAnswer(ChannelHandlerContext ctx, int status, Integer retryAfterSeconds, byte[] body) {
        listener.answered(status, retryAfterSeconds, body);
        if (status == 429 || status >= 500) {
            listener.error(ErrorKinds.ofStatus(status), device.registrationId(), OperationAnswer.errorMessage(body));
            later(ctx, PollPacing.retryDelayMillis(retryAfterSeconds), () -> sendAgain(ctx));
            return;
        }
        if (status != 200 && status != 202) {
            fail(ctx, ErrorKinds.ofStatus(status), OperationAnswer.errorMessage(body));
            return;
        }
        OperationAnswer answer = OperationAnswer.parse(body).orElse(null);
        if (answer == null) {
            fail(ctx, "protocol", "a " + status + " answer without operationId and status: "
                    + OperationAnswer.errorMessage(body));
            return;
        }
        switch (answer.status()) {
            case "assigned" -> assigned(ctx, body);
            case "assigning" -> {
                operationId = answer.operationId();
                later(ctx, settings.pacing().pollDelayMillis(retryAfterSeconds), () -> poll(ctx));
            }
            case "failed", "disabled" -> fail(ctx, "status_" + answer.status(),
                    answer.errorMessage() == null ? "the operation ended " + answer.status() : answer.errorMessage());
            default -> fail(ctx, "protocol", "unexpected operation status '" + answer.status() + "'");
        }
    }

    protected final void fail(ChannelHandlerContext ctx, String kind, String detail) {
        finish(Outcome.FAILED, kind, detail);
        ctx.close();
    }

    private void assigned(ChannelHandlerContext ctx, byte[] body) {
        if (device.requestsCertificate() && !tookIssuedCertificate(ctx, body)) {
            return;
        }
        long now = System.nanoTime();
        latencies[Latency.REGISTER_TO_ASSIGNED.ordinal()] = now - registerSentNanos;
        latencies[Latency.FLOW.ordinal()] = now - startNanos;
        finish(Outcome.ASSIGNED, null, null);
        closeConnection(ctx);
    }

    /** Hands the issued chain to the listener; false (the flow failed) when the answer has none or a broken one. */
    private boolean tookIssuedCertificate(ChannelHandlerContext ctx, byte[] body) {
        List<X509Certificate> chain;
        try {
            chain = IssuedCertificateChain.of(body).orElse(null);
        } catch (IllegalArgumentException e) {
            fail(ctx, "protocol", e.getMessage());
            return false;
        }
        if (chain == null) {
            fail(ctx, "certificate_missing", "assigned, but the answer has no registrationState.issuedCertificateChain"
                    + " for the CSR sent: the server does not issue certificates (api-version "
                    + FlowSettings.CSR_API_VERSION + ")");
            return false;
        }
        listener.certificateIssued(chain);
        return true;
    }

    private void poll(ChannelHandlerContext ctx) {
        polls++;
        sendPoll(ctx, operationId);
    }

    private void sendAgain(ChannelHandlerContext ctx) {
        if (operationId == null) {
            sendRegister(ctx);
        } else {
            poll(ctx);
        }
    }

    private void later(ChannelHandlerContext ctx, long delayMillis, Runnable request) {
        Runnable guarded = () -> {
            if (!finished && ctx.channel().isActive()) {
                request.run();
            }
        };
        if (delayMillis == 0) {
            guarded.run();
        } else {
            nextRequest = ctx.executor().schedule(guarded, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void finish(Outcome outcome, String errorKind, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        if (errorKind != null) {
            listener.error(errorKind, device.registrationId(), detail);
        }
        listener.finished(new FlowResult(measured, outcome, latencies.clone(), polls, System.nanoTime()));
    }

    private void cancelTimers() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (nextRequest != null) {
            nextRequest.cancel(false);
        }
    }
}
