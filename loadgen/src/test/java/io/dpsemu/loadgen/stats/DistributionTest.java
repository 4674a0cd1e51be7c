package io.dpsemu.loadgen.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void percentiles_areExactNearestRanks() {
        Distribution d = Distribution.ofSorted(LongStream.rangeClosed(1, 1000).toArray());

        assertThat(d).isEqualTo(new Distribution(1000, 500.5, 500, 900, 990, 999, 1000));
    }

    @Test
    void fewValues_percentilesAreValuesThatOccurred() {
        Distribution d = Distribution.ofSorted(new long[] {3, 7, 40});

        assertThat(d.p50()).isEqualTo(7);
        assertThat(d.p90()).isEqualTo(40);
        assertThat(d.p999()).isEqualTo(40);
        assertThat(d.max()).isEqualTo(40);
    }

    @Test
    void noValues_isEmpty() {
        assertThat(Distribution.ofSorted(new long[0]).isEmpty()).isTrue();
    }

    @Test
    void samples_areSortedBeforeRanking() {
        Samples samples = new Samples();
        for (long v : new long[] {9, 1, 5, 3, 7}) {
            samples.add(v);
        }

        assertThat(samples.distribution().p50()).isEqualTo(5);
        assertThat(samples.countWithin(3, 7)).isEqualTo(2);
    }
}
