package io.dpsemu.loadgen.stats;

import io.dpsemu.loadgen.flow.Latency;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * {@code --histogram FILE}: an HdrHistogram interval log, one interval per second and per measure
 * (tagged {@code connect}, {@code tls}, ..., {@code flow}), values in microseconds, warm-up included.
 * HdrHistogram's HistogramLogProcessor reads it.
 */
public final class HistogramLog implements AutoCloseable {

    private final PrintStream file;
    private final HistogramLogWriter writer;

    public HistogramLog(Path path) {
        try {
            file = new PrintStream(path.toFile(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --histogram " + path + ": " + e.getMessage(), e);
        }
        writer = new HistogramLogWriter(file);
        long now = System.currentTimeMillis();
        writer.outputLogFormatVersion();
        writer.outputComment("dpsemu loadgen; values in microseconds; one tag per measure");
        writer.outputStartTime(now);
        writer.setBaseTime(now);
        writer.outputLegend();
    }

    synchronized void write(Map<Latency, Histogram> intervals) {
        intervals.forEach((latency, histogram) -> {
            if (histogram.getTotalCount() > 0) {
                histogram.setTag(latency.key());
                writer.outputIntervalHistogram(histogram);
            }
        });
    }

    @Override
    public synchronized void close() {
        writer.close();
        file.close();
    }
}
