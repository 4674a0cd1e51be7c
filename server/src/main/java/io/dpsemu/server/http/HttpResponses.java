package io.dpsemu.server.http;

import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DpsError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.UUID;

/** JSON responses as DPS writes them: UTF-8 JSON, a request id, DPS error bodies with their code. */
public final class HttpResponses {

    public static final String JSON_UTF8 = "application/json; charset=utf-8";
    static final String ERROR_CODE_HEADER = "x-ms-error-code";
    static final String REQUEST_ID_HEADER = "x-ms-request-id";

    private HttpResponses() {
    }

    public static FullHttpResponse json(int status, Object body) {
        byte[] bytes = DpsJson.write(body);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(REQUEST_ID_HEADER, UUID.randomUUID().toString());
        if (body instanceof DpsError error) {
            response.headers().set(ERROR_CODE_HEADER, error.errorCode());
        }
        return response;
    }

    public static FullHttpResponse error(int errorCode, String message) {
        return json(errorCode / 1000, DpsError.of(errorCode, message));
    }
}
