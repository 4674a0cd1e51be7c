package io.dpsemu.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.enrollment.InvalidEnrollmentException;
import io.dpsemu.store.AlreadyExistsException;
import io.dpsemu.store.Page;
import io.dpsemu.store.PreconditionFailedException;
import io.dpsemu.store.Store;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /enrollments} or {@code /enrollmentGroups}: create-or-replace, read, delete, the attestation
 * mechanism (the only answer that carries key values besides PUT's to a caller who may read them),
 * query with paging, and bulk operations with per-item errors. Runs on store threads.
 */
final class EnrollmentResource<T> {

    private final EnrollmentDocuments<T> documents;
    private final int maxBulkItems;
    private final int maxPageSize;

    EnrollmentResource(EnrollmentDocuments<T> documents, int maxBulkItems, int maxPageSize) {
        this.documents = documents;
        this.maxBulkItems = maxBulkItems;
        this.maxPageSize = maxPageSize;
    }

    /**
     * Create or replace. A replace must say so: {@code If-Match} (an etag, or {@code *} for "whatever it
     * holds now"), else the document's own {@code etag}, which counts as If-Match; a PUT without either
     * only creates, and is refused with 409 when the id exists, so a document that leaves fields out
     * never resets someone's enrollment by accident.
     *
     * @param mayReadKeys whether the caller may read keys: the answer carries the written keys (also
     *                    generated ones) only then
     */
    FullHttpResponse put(String id, ServiceRequest request, boolean mayReadKeys) {
        T document = document(request.body());
        String bodyId = documents.id(document);
        if (bodyId != null && !bodyId.equalsIgnoreCase(id)) {
            return ServiceResponses.invalid(documents.idField() + " '" + bodyId + "' differs from '" + id
                    + "' in the path");
        }
        String condition = condition(request.ifMatch(), documents.etag(document));
        T written;
        try {
            written = store(documents.withId(document, id), condition == null ? Store.CREATE_ONLY : condition);
        } catch (AlreadyExistsException e) {
            return ServiceResponses.error(ErrorCodes.CONFLICT, e.getMessage() + ": to replace it, send If-Match with"
                    + " its etag (or If-Match: * to replace whatever it holds), or put its etag in the document");
        }
        return ServiceResponses.ok(mayReadKeys ? written : documents.withoutKeys(written));
    }

    /** {@code If-Match} when sent, else the document's etag; null when neither asks for a replace. */
    private static String condition(String ifMatch, String bodyEtag) {
        if (ifMatch != null && !ifMatch.isBlank()) {
            return ifMatch.trim();
        }
        return bodyEtag == null || bodyEtag.isBlank() ? null : bodyEtag;
    }

    FullHttpResponse get(String id) {
        return documents.find(id).map(d -> ServiceResponses.ok(documents.view(d)))
                .orElseGet(() -> ServiceResponses.notFound(what(id)));
    }

    FullHttpResponse delete(String id, String ifMatch) {
        return documents.delete(id, ifMatch) ? ServiceResponses.noContent() : ServiceResponses.notFound(what(id));
    }

    FullHttpResponse attestationMechanism(String id) {
        return documents.find(id).map(d -> ServiceResponses.ok(documents.attestation(d)))
                .orElseGet(() -> ServiceResponses.notFound(what(id)));
    }

    FullHttpResponse query(ServiceRequest request) {
        QueryFilter<T> filter = QueryFilter.parse(queryText(request.body()), documents.queryFields());
        int pageSize = PageSizes.of(request.maxItemCount(), maxPageSize);
        List<T> items = new ArrayList<>();
        String continuation = request.continuation() == null || request.continuation().isEmpty()
                ? null : request.continuation();
        do {
            // ask only for what still fits, so the store's continuation is exact where this page stops
            Page<T> page = documents.list(continuation, pageSize - items.size());
            for (T item : page.items()) {
                if (filter.matches(item)) {
                    items.add(documents.withoutKeys(item));
                }
            }
            continuation = page.continuation();
        } while (continuation != null && items.size() < pageSize);
        return ServiceResponses.page(items, documents.itemType(), continuation, pageSize);
    }

    FullHttpResponse bulk(ServiceRequest request) {
        JsonNode body = object(request.body(), "a bulk operation {\"mode\": ..., \"" + documents.bulkField()
                + "\": [...]}");
        String mode = body.path("mode").asText("").toLowerCase(Locale.ROOT);
        JsonNode list = body.path(documents.bulkField());
        if (!list.isArray()) {
            return ServiceResponses.invalid("a bulk operation needs the list '" + documents.bulkField() + "'");
        }
        if (list.size() > maxBulkItems) {
            return ServiceResponses.invalid("a bulk operation takes at most " + maxBulkItems + " items, not "
                    + list.size());
        }
        // a list that is not a list of documents is refused as a whole, before anything is written
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                return ServiceResponses.invalid(documents.bulkField() + "[" + i + "] must be a JSON object, not "
                        + DpsJson.describe(list.get(i)));
            }
        }
        ArrayNode errors = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            T document;
            try {
                document = bind((ObjectNode) item, documents.bulkField() + "[" + i + "]: ");
            } catch (InvalidEnrollmentException e) {
                JsonNode id = item.path(documents.idField());
                errors.add(error(id.isTextual() ? id.textValue() : null, ErrorCodes.INVALID_ENROLLMENT,
                        e.getMessage()));
                continue;
            }
            bulkItem(mode, document).ifPresent(failure -> errors.add(error(documents.id(document),
                    failure.errorCode(), failure.message())));
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("isSuccessful", errors.isEmpty());
        result.set("errors", errors);
        return ServiceResponses.ok(result);
    }

    /**
     * Empty when the item succeeded, else why it failed. {@code create} never replaces, {@code update}
     * replaces unconditionally (the mode asks for it), {@code updateIfMatchETag} needs the item's etag.
     */
    private Optional<BulkFailure> bulkItem(String mode, T document) {
        String id = documents.id(document);
        if (id == null) {
            return failure(ErrorCodes.INVALID_ENROLLMENT, documents.idField() + " is required");
        }
        try {
            switch (mode) {
                case "create":
                    store(document, Store.CREATE_ONLY);
                    return Optional.empty();
                case "update":
                    store(document, null);
                    return Optional.empty();
                case "updateifmatchetag":
                    String etag = documents.etag(document);
                    if (etag == null || etag.isBlank()) {
                        return failure(ErrorCodes.INVALID_ENROLLMENT, "etag is required in updateIfMatchETag mode");
                    }
                    store(document, etag);
                    return Optional.empty();
                case "delete":
                    return documents.delete(id, documents.etag(document)) ? Optional.empty()
                            : failure(ErrorCodes.ITEM_NOT_FOUND, what(id) + " does not exist");
                default:
                    return failure(ErrorCodes.INVALID_ENROLLMENT,
                            "mode must be create, update, updateIfMatchETag or delete, not '" + mode + "'");
            }
        } catch (InvalidEnrollmentException | IllegalArgumentException e) {
            return failure(ErrorCodes.INVALID_ENROLLMENT, e.getMessage());
        } catch (AlreadyExistsException e) {
            return failure(ErrorCodes.CONFLICT, e.getMessage());
        } catch (PreconditionFailedException e) {
            return failure(ErrorCodes.PRECONDITION_FAILED, e.getMessage());
        }
    }

    private static Optional<BulkFailure> failure(int errorCode, String message) {
        return Optional.of(new BulkFailure(errorCode, message));
    }

    private record BulkFailure(int errorCode, String message) {
    }

    private T store(T document, String ifMatch) {
        T stored = documents.find(documents.id(document)).orElse(null);
        T prepared = documents.prepare(document, stored == null ? null : documents.attestation(stored));
        return documents.put(prepared, ifMatch);
    }

    /** The request body as one document: a JSON object of the document's shape, else 400004 naming the problem. */
    private T document(byte[] body) {
        return bind(object(body, "an " + documents.itemType() + " document"), "");
    }

    private T bind(ObjectNode node, String where) {
        try {
            return DpsJson.convert(node, documents.type());
        } catch (DpsProtocolException e) {
            throw new InvalidEnrollmentException(where + e.getMessage());
        }
    }

    /**
     * The body parsed as a JSON object.
     *
     * @throws InvalidEnrollmentException when it is empty or JSON other than an object
     * @throws IllegalArgumentException when it is not JSON at all
     */
    private static ObjectNode object(byte[] body, String expected) {
        JsonNode node = DpsJson.isBlank(body) ? null : read(body, JsonNode.class);
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new InvalidEnrollmentException("the body must be " + expected + " as a JSON object, not "
                + (node == null ? "empty" : DpsJson.describe(node)));
    }

    private String what(String id) {
        return documents.itemType() + " '" + id + "'";
    }

    private ObjectNode error(String id, int errorCode, String message) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put(documents.idField(), id);
        error.put("errorCode", errorCode);
        error.put("errorStatus", message);
        return error;
    }

    /**
     * The {@code query} of a query specification body, null when the body or the field is absent.
     *
     * @throws IllegalArgumentException when the body is not a JSON object or the query not a string
     */
    static String queryText(byte[] body) {
        if (DpsJson.isBlank(body)) {
            return null;
        }
        JsonNode node = read(body, JsonNode.class);
        if (!node.isObject()) {
            throw new IllegalArgumentException("the body must be a query specification {\"query\": \"SELECT * FROM"
                    + " ...\"} as a JSON object, not " + DpsJson.describe(node));
        }
        for (var it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equalsIgnoreCase("query")) {
                if (!field.getValue().isTextual()) {
                    throw new IllegalArgumentException("query must be a string such as \"SELECT * FROM ...\", not "
                            + DpsJson.describe(field.getValue()));
                }
                return field.getValue().textValue();
            }
        }
        return null;
    }

    static <V> V read(byte[] body, Class<V> type) {
        try {
            return DpsJson.read(body, type);
        } catch (DpsProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
