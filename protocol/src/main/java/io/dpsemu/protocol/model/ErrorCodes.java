package io.dpsemu.protocol.model;

/**
 * The DPS error codes dpsemu emits. Codes with public evidence are noted; the others follow the
 * DPS pattern (HTTP status × 1000 + detail, docs/protocol-notes.md#error-bodies-and-codes) and are dpsemu's choice.
 */
public final class ErrorCodes {

    /** The request body or parameters are malformed. */
    public static final int BAD_REQUEST = 400001;
    /** A service-API document failed validation (seen in the wild). */
    public static final int INVALID_ENROLLMENT = 400004;
    /** Custom allocation failed (seen in the wild). */
    public static final int CUSTOM_ALLOCATION_FAILED = 400207;
    /** No IoT hub could be assigned (seen in the wild; the C SDK maps it). */
    public static final int NO_HUB_ASSIGNABLE = 400208;
    /** Credentials were not accepted (seen on MQTT register). */
    public static final int UNAUTHORIZED = 401000;
    /** The SAS token or certificate is invalid (seen over HTTP and MQTT). */
    public static final int INVALID_CREDENTIALS = 401002;
    /** The enrollment that matched the device is disabled (the operation ends {@code disabled}). */
    public static final int ENROLLMENT_DISABLED = 401003;
    /** The credentials are valid but lack the right the operation needs. */
    public static final int FORBIDDEN = 403001;
    /** The item already exists (bulk create). */
    public static final int CONFLICT = 409001;
    /** The store refuses more items of this kind (its limit is reached). */
    public static final int LIMIT_REACHED = 409002;
    /** The resource was changed since the etag the client sent (If-Match). */
    public static final int PRECONDITION_FAILED = 412001;
    /** The resource exists but not for this HTTP method. */
    public static final int METHOD_NOT_ALLOWED = 405001;
    /** The request body is not JSON. */
    public static final int UNSUPPORTED_MEDIA_TYPE = 415001;
    /** The request is larger than allowed. */
    public static final int PAYLOAD_TOO_LARGE = 413001;
    /** The request line or headers are larger than allowed. */
    public static final int HEADERS_TOO_LARGE = 431001;
    /** No enrollment or registration record knows this registration id. */
    public static final int REGISTRATION_NOT_FOUND = 404201;
    /** Nothing is at this path. */
    public static final int NOT_FOUND = 404001;
    /** No enrollment, enrollment group or registration record has this id (service API). */
    public static final int ITEM_NOT_FOUND = 404202;
    /** No operation with this id exists for this registration. */
    public static final int OPERATION_NOT_FOUND = 404204;
    /** A quota or an overload bound was hit; retry after the advertised delay. */
    public static final int THROTTLED = 429001;
    /** The server is overloaded: too much work is in flight. */
    public static final int SERVER_BUSY = 429002;
    /** An unexpected server-side failure. */
    public static final int INTERNAL_ERROR = 500000;
    /** The store cannot be reached. */
    public static final int STORE_UNAVAILABLE = 503001;

    private ErrorCodes() {
    }
}
