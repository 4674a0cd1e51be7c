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
        return new Distribution(n, sum / n, nearestRank(sorted, 500), nearestRank(sorted, 900),
                nearestRank(sorted, 990), nearestRank(sorted, 999), sorted[n - 1]);
    }

    /** In whole per-mille, so that no floating-point rounding moves a rank (0.999 * 1000 is not 999 in doubles). */
    private static long nearestRank(long[] sorted, long perMille) {
        long rank = (perMille * sorted.length + 999) / 1000;
        return sorted[(int) Math.max(1, rank) - 1];
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
