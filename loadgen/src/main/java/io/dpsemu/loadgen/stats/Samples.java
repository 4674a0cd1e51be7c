package io.dpsemu.loadgen.stats;

import java.util.Arrays;

/** Every value of one measure, kept whole so that percentiles are exact, not bucketed. Not thread-safe. */
final class Samples {

    private long[] values = new long[1024];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** How many values are greater than {@code low} and at most {@code high}. */
    long countWithin(long low, long high) {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (values[i] > low && values[i] <= high) {
                n++;
            }
        }
        return n;
    }

    /** Empty when there are no values. */
    Distribution distribution() {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return Distribution.ofSorted(sorted);
    }
}
