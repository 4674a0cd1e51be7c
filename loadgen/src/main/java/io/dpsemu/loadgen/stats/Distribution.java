package io.dpsemu.loadgen.stats;

/**
 * Exact nearest-rank percentiles of a set of values: the p-th percentile is the smallest value
 * that at least p percent of the values do not exceed.
 */
public record Distribution(int count, double mean, long p50, long p90, long p99, long p999, long max) {

    public static final Distribution EMPTY = new Distribution(0, 0, 0, 0, 0, 0, 0);

    /** @param sorted ascending */
    public static Distribution ofSorted(long[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return EMPTY;
        }
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        return new Distribution(n, sum / n, nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99),
                nearestRank(sorted, 99.9), sorted[n - 1]);
    }

    static long nearestRank(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(1, Math.min(rank, sorted.length)) - 1];
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
