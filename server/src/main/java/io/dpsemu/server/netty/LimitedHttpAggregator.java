package io.dpsemu.server.netty;

import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.http.HttpResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Netty's aggregator, answering an oversized body with a DPS error body (Netty's own 413 is empty). */
final class LimitedHttpAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    LimitedHttpAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse response = HttpResponses.error(ErrorCodes.PAYLOAD_TOO_LARGE,
                "the request body is larger than " + maxBodyBytes + " bytes");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
