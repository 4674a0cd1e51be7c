package io.dpsemu.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.enrollment.InvalidEnrollmentException;
import io.dpsemu.store.Page;
import io.dpsemu.store.PreconditionFailedException;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /enrollments} or {@code /enrollmentGroups}: create-or-replace, read, delete, the attestation
 * mechanism (the only answer that carries key values besides PUT's), query with paging, and bulk
 * operations with per-item errors. Runs on store threads.
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

    FullHttpResponse put(String id, ServiceRequest request) {
        T document = read(request.body(), documents.type());
        String bodyId = documents.id(document);
        if (bodyId != null && !bodyId.equalsIgnoreCase(id)) {
            return ServiceResponses.invalid(documents.idField() + " '" + bodyId + "' differs from '" + id
                    + "' in the path");
        }
        return ServiceResponses.ok(store(documents.withId(document, id), request.ifMatch()));
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
        JsonNode body = read(request.body(), JsonNode.class);
        String mode = body.path("mode").asText("").toLowerCase(Locale.ROOT);
        JsonNode list = body.path(documents.bulkField());
        if (!list.isArray()) {
            return ServiceResponses.invalid("a bulk operation needs the list '" + documents.bulkField() + "'");
        }
        if (list.size() > maxBulkItems) {
            return ServiceResponses.invalid("a bulk operation takes at most " + maxBulkItems + " items, not "
                    + list.size());
        }
        ArrayNode errors = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : list) {
            T document;
            try {
                document = DpsJson.mapper().treeToValue(item, documents.type());
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                errors.add(error(item.path(documents.idField()).asText(null), ErrorCodes.BAD_REQUEST,
                        "not a valid document: " + e.getMessage()));
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

    /** Empty when the item succeeded, else why it failed. */
    private Optional<BulkFailure> bulkItem(String mode, T document) {
        String id = documents.id(document);
        if (id == null) {
            return failure(ErrorCodes.INVALID_ENROLLMENT, documents.idField() + " is required");
        }
        try {
            switch (mode) {
                case "create":
                    if (documents.find(id).isPresent()) {
                        return failure(ErrorCodes.CONFLICT, what(id) + " already exists");
                    }
                    store(document, null);
                    return Optional.empty();
                case "update":
                    store(document, null);
                    return Optional.empty();
                case "updateifmatchetag":
                    store(document, etagOf(document));
                    return Optional.empty();
                case "delete":
                    return documents.delete(id, etagOf(document)) ? Optional.empty()
                            : failure(ErrorCodes.ITEM_NOT_FOUND, what(id) + " does not exist");
                default:
                    return failure(ErrorCodes.INVALID_ENROLLMENT,
                            "mode must be create, update, updateIfMatchETag or delete, not '" + mode + "'");
            }
        } catch (InvalidEnrollmentException | IllegalArgumentException e) {
            return failure(ErrorCodes.INVALID_ENROLLMENT, e.getMessage());
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

    private String etagOf(T document) {
        JsonNode node = DpsJson.mapper().valueToTree(document);
        return node.hasNonNull("etag") ? node.get("etag").asText() : null;
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

    static String queryText(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        JsonNode node = read(body, JsonNode.class);
        for (var it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equalsIgnoreCase("query")) {
                return field.getValue().asText();
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
