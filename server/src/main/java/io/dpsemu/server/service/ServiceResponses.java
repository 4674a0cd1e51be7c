package io.dpsemu.server.service;

import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.http.HttpResponses;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** Responses of the service API, in DPS's shapes and headers. */
final class ServiceResponses {

    static final String ITEM_TYPE = "x-ms-item-type";
    static final String CONTINUATION = "x-ms-continuation";
    static final String MAX_ITEM_COUNT = "x-ms-max-item-count";

    private ServiceResponses() {
    }

    static FullHttpResponse ok(Object body) {
        return HttpResponses.json(200, body);
    }

    static FullHttpResponse noContent() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** One page of a query: the service SDKs need the item type, and no continuation on the last page. */
    static FullHttpResponse page(List<?> items, String itemType, String continuation, int maxItems) {
        FullHttpResponse response = HttpResponses.json(200, items);
        response.headers().set(ITEM_TYPE, itemType).set(MAX_ITEM_COUNT, maxItems);
        if (continuation != null) {
            response.headers().set(CONTINUATION, continuation);
        }
        return response;
    }

    static FullHttpResponse error(int errorCode, String message) {
        return HttpResponses.json(errorCode / 1000, DpsError.of(errorCode, message));
    }

    static FullHttpResponse error(DpsError error) {
        return HttpResponses.json(error.httpStatus(), error);
    }

    static FullHttpResponse notFound(String what) {
        return error(ErrorCodes.ITEM_NOT_FOUND, what + " does not exist");
    }

    static FullHttpResponse invalid(String message) {
        return error(ErrorCodes.INVALID_ENROLLMENT, message);
    }
}
