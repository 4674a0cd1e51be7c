package io.dpsemu.store.memory;

import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.Page;
import io.dpsemu.store.Paging;
import io.dpsemu.store.StoreJson;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * One kind of document in memory. Reads are lock-free; writes are serialised so that the
 * If-Match check and the write are one step. Documents are copied in and out through their JSON
 * form, so callers never share mutable parts (JsonNode, lists) with the store, and this store
 * returns exactly what a database-backed one would.
 */
final class MemoryTable<T> {

    private final DocumentKind<T> kind;
    private final ConcurrentSkipListMap<String, T> rows = new ConcurrentSkipListMap<>();

    MemoryTable(DocumentKind<T> kind) {
        this.kind = kind;
    }

    Optional<T> find(String id) {
        return Optional.ofNullable(rows.get(DocumentKind.key(id))).map(this::copy);
    }

    synchronized T put(T document, String ifMatch) {
        kind.validate(document);
        String key = kind.key(document);
        T existing = rows.get(key);
        kind.checkIfMatch(ifMatch, existing == null ? null : kind.etag(existing), kind.id(document));
        if (existing == null && kind.isLimited()) {
            kind.checkRoomForNew(rows.size(), kind.id(document));
        }
        T stored = copy(kind.stamp(document, existing, Instant.now()));
        rows.put(key, stored);
        return copy(stored);
    }

    /** @return the deleted document; empty when there was none */
    synchronized Optional<T> delete(String id, String ifMatch) {
        String key = DocumentKind.key(id);
        T existing = rows.get(key);
        kind.checkIfMatch(ifMatch, existing == null ? null : kind.etag(existing), id);
        return Optional.ofNullable(rows.remove(key)).map(this::copy);
    }

    /** Every document, in key order. */
    List<T> all() {
        return rows.values().stream().map(this::copy).toList();
    }

    Page<T> list(String continuation, int maxItems, Predicate<T> filter) {
        int pageSize = Paging.pageSize(maxItems);
        String after = Paging.keyAfter(continuation);
        NavigableMap<String, T> following = after == null ? rows : rows.tailMap(after, false);
        List<T> fetched = following.values().stream().filter(filter).limit(pageSize + 1L).map(this::copy).toList();
        return Paging.page(fetched, pageSize, kind::key);
    }

    private T copy(T document) {
        return StoreJson.copy(document, kind.type());
    }
}
