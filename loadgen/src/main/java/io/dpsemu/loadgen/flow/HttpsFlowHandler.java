package io.dpsemu.loadgen.flow;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.mqtt.WholeNumbers;
import io.dpsemu.protocol.PercentEncoding;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;

/**
 * The HTTPS device API (docs/protocol-notes.md#https-device-api): {@code PUT .../register}, then
 * {@code GET .../operations/{operationId}} until a final answer, on one keep-alive connection.
 */
public final class HttpsFlowHandler extends FlowHandler {

    private final String hostHeader;
    private final String registrationPath;
    private final String apiVersionQuery;

    /** @param hostHeader {@code host:port}, as the SDKs send it */
    public HttpsFlowHandler(Device device, FlowSettings settings, boolean measured, FlowListener listener,
            String hostHeader) {
        super(device, settings, measured, listener);
        this.hostHeader = hostHeader;
        this.registrationPath = "/" + PercentEncoding.encode(settings.idScope()) + "/registrations/"
                + PercentEncoding.encode(device.registrationId());
        this.apiVersionQuery = "?api-version="
                + (device.requestsCertificate() ? FlowSettings.CSR_API_VERSION : FlowSettings.HTTPS_API_VERSION);
    }

    @Override
    protected void secured(ChannelHandlerContext ctx) {
        register(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!isFinished() && msg instanceof FullHttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    fail(ctx, "protocol", "undecodable HTTP response: "
                            + ErrorKinds.describe(response.decoderResult().cause()));
                    return;
                }
                onAnswer(ctx, response.status().code(),
                        WholeNumbers.parse(response.headers().get(HttpHeaderNames.RETRY_AFTER)),
                        ByteBufUtil.getBytes(response.content()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    protected void sendRegister(ChannelHandlerContext ctx) {
        send(ctx, HttpMethod.PUT, registrationPath + "/register", registerBody());
    }

    @Override
    protected void sendPoll(ChannelHandlerContext ctx, String operationId) {
        send(ctx, HttpMethod.GET, registrationPath + "/operations/" + PercentEncoding.encode(operationId), null);
    }

    private void send(ChannelHandlerContext ctx, HttpMethod method, String path, byte[] body) {
        String target = path + apiVersionQuery;
        listener().sent(method.name(), target, body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, FlowSettings.CLIENT_VERSION)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        String token = device.sasToken(settings.idScope(), Instant.now());
        if (token != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, token);
        }
        ctx.writeAndFlush(request);
    }
}
