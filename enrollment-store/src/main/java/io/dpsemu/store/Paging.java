package io.dpsemu.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset paging shared by store implementations: a page is the items whose key follows the key
 * the continuation token carries, so pages stay correct while items are added or removed.
 */
public final class Paging {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private Paging() {
    }

    public static int pageSize(int maxItems) {
        return maxItems <= 0 ? DEFAULT_PAGE_SIZE : Math.min(maxItems, MAX_PAGE_SIZE);
    }

    /** The key a page starts after, {@code null} for the first page. */
    public static String keyAfter(String continuation) {
        if (continuation == null || continuation.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(continuation), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid continuation token '" + continuation + "'", e);
        }
    }

    /**
     * @param fetched up to {@code pageSize + 1} items in key order; one more than a page means
     *                another page follows
     */
    public static <T> Page<T> page(List<T> fetched, int pageSize, Function<T, String> key) {
        if (fetched.size() <= pageSize) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, pageSize);
        String lastKey = key.apply(items.get(pageSize - 1));
        return new Page<>(items, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(lastKey.getBytes(StandardCharsets.UTF_8)));
    }
}
