package io.dpsemu.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.loadgen.flow.PollPacing;
import io.dpsemu.loadgen.mqtt.WholeNumbers;
import org.junit.jupiter.api.Test;

class PacingTest {

    @Test
    void sdkPacing_pollsAfterTheServersRetryAfter() {
        assertThat(PollPacing.SDK.pollDelayMillis(3)).isEqualTo(3_000);
        assertThat(PollPacing.SDK.pollDelayMillis(0)).isZero();
    }

    @Test
    void sdkPacing_withoutRetryAfter_waitsTwoSecondsLikeTheSdks() {
        assertThat(PollPacing.SDK.pollDelayMillis(null)).isEqualTo(2_000);
    }

    @Test
    void immediatePacing_pollsAtOnceWhateverTheRetryAfter() {
        assertThat(PollPacing.IMMEDIATE.pollDelayMillis(3)).isZero();
        assertThat(PollPacing.IMMEDIATE.pollDelayMillis(null)).isZero();
    }

    @Test
    void throttledRequests_waitForTheRetryAfterInEitherMode() {
        assertThat(PollPacing.retryDelayMillis(5)).isEqualTo(5_000);
        assertThat(PollPacing.retryDelayMillis(null)).isEqualTo(2_000);
    }

    @Test
    void rateCap_spacesStartsEvenlyFromTheOrigin() {
        StartPacer pacer = new StartPacer(100, 1_000_000_000L);

        for (int i = 0; i < 10; i++) {
            assertThat(pacer.waitNanos(1_000_000_000L + i * 10_000_000L)).isZero();
            pacer.take();
        }

        assertThat(pacer.waitNanos(1_000_000_000L + 40_000_000L)).isEqualTo(60_000_000L);
        assertThat(pacer.waitNanos(1_000_000_000L + 100_000_000L)).isZero();
    }

    @Test
    void noRateCap_neverWaits() {
        StartPacer pacer = new StartPacer(0, 0);
        for (int i = 0; i < 1000; i++) {
            pacer.take();
        }

        assertThat(pacer.waitNanos(0)).isZero();
    }

    @Test
    void retryAfter_isReadOnlyAsWholeSeconds() {
        assertThat(WholeNumbers.parse(" 3 ")).isEqualTo(3);
        assertThat(WholeNumbers.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
        assertThat(WholeNumbers.parse("1.5")).isNull();
        assertThat(WholeNumbers.parse("-1")).isNull();
        assertThat(WholeNumbers.parse(null)).isNull();
    }
}
