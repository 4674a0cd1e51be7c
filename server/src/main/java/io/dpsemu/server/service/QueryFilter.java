package io.dpsemu.server.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query of {@code POST .../query}. DPS runs only {@code SELECT *}; dpsemu also honours a simple
 * {@code WHERE} of equality tests joined by {@code AND} on the id, {@code provisioningStatus} and the
 * attestation type (an extension users ask for; values compared case-insensitively).
 */
final class QueryFilter<T> {

    private static final Pattern SELECT =
            Pattern.compile("(?is)\\s*select\\s+\\*\\s*(?:from\\s+[\\w.]+\\s*)?(?:where\\s+(.+))?");
    private static final Pattern CONDITION = Pattern.compile("(?is)\\s*([\\w.]+)\\s*=\\s*'([^']*)'\\s*");

    private final Predicate<T> predicate;

    private QueryFilter(Predicate<T> predicate) {
        this.predicate = predicate;
    }

    /**
     * @param fields the fields a WHERE may name (lower-cased) and how to read each from an item
     * @throws IllegalArgumentException naming what is not understood
     */
    static <T> QueryFilter<T> parse(String query, Map<String, java.util.function.Function<T, String>> fields) {
        if (query == null || query.isBlank()) {
            return new QueryFilter<>(item -> true);
        }
        Matcher select = SELECT.matcher(query);
        if (!select.matches()) {
            throw new IllegalArgumentException("query must be 'SELECT *' (FROM and WHERE optional), not '"
                    + query + "'");
        }
        if (select.group(1) == null) {
            return new QueryFilter<>(item -> true);
        }
        List<Predicate<T>> tests = new ArrayList<>();
        for (String condition : select.group(1).split("(?i)\\s+and\\s+")) {
            Matcher test = CONDITION.matcher(condition);
            if (!test.matches()) {
                throw new IllegalArgumentException("WHERE supports only field = 'value' joined by AND, not '"
                        + condition.trim() + "'");
            }
            var reader = fields.get(test.group(1).toLowerCase(Locale.ROOT));
            if (reader == null) {
                throw new IllegalArgumentException("WHERE cannot test '" + test.group(1) + "'; it can test "
                        + String.join(", ", new java.util.TreeSet<>(fields.keySet())));
            }
            String wanted = test.group(2);
            tests.add(item -> wanted.equalsIgnoreCase(reader.apply(item)));
        }
        return new QueryFilter<>(item -> tests.stream().allMatch(t -> t.test(item)));
    }

    boolean matches(T item) {
        return predicate.test(item);
    }
}
