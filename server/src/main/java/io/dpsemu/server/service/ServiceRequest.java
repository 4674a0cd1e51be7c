package io.dpsemu.server.service;

import io.dpsemu.protocol.PercentEncoding;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/** What the service API reads from an HTTP request, copied off the Netty buffers before going to a store thread. */
record ServiceRequest(HttpMethod method, List<String> path, String ifMatch, String continuation,
        String maxItemCount, String authorization, byte[] body) {

    static ServiceRequest of(FullHttpRequest request, List<String> path) {
        return new ServiceRequest(request.method(), path, request.headers().get(HttpHeaderNames.IF_MATCH),
                request.headers().get(ServiceResponses.CONTINUATION),
                request.headers().get(ServiceResponses.MAX_ITEM_COUNT),
                request.headers().get(HttpHeaderNames.AUTHORIZATION), ByteBufUtil.getBytes(request.content()));
    }

    /**
     * Path segments of a request URI as sent, not yet percent-decoded: split first, so that an encoded
     * {@code /} stays inside its segment; empty segments kept so that "//" never matches a route.
     */
    static List<String> rawSegments(String uri) {
        String path = new QueryStringDecoder(uri).rawPath();
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    /**
     * The segments percent-decoded ({@code +} stays {@code +}).
     *
     * @throws IllegalArgumentException on a broken escape or bytes that are not UTF-8
     */
    static List<String> decode(List<String> rawSegments) {
        return rawSegments.stream().map(PercentEncoding::decode).toList();
    }
}
