package io.dpsemu.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.dpsemu.server.metrics.RateLimitedLog;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Accept failures on a listening channel: summarized, and kept from the pipeline's tail (which logs stack traces). */
class AcceptErrorHandlerTest {

    @Test
    void acceptFailures_areSummarizedOncePerIntervalAndGoNoFurther() {
        List<String> lines = new ArrayList<>();
        EmbeddedChannel listening = new EmbeddedChannel();
        listening.freezeTime();
        listening.pipeline().addLast(new AcceptErrorHandler(new RateLimitedLog(listening.eventLoop(),
                Duration.ofSeconds(10), (count, seconds, latest) -> lines.add(count + " " + latest))));

        for (int i = 0; i < 30; i++) {
            listening.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        }
        listening.advanceTimeBy(10, TimeUnit.SECONDS);
        listening.runScheduledPendingTasks();

        assertThat(lines).containsExactly("30 accept(..) failed: Too many open files");
        assertThatCode(listening::checkException).as("nothing reached the pipeline's tail").doesNotThrowAnyException();
        listening.finishAndReleaseAll();
    }
}
