package io.dpsemu.loadgen;

import io.dpsemu.loadgen.device.DeviceSource;
import io.dpsemu.loadgen.flow.FlowSettings;
import io.dpsemu.loadgen.net.ClientTransport;
import io.dpsemu.loadgen.net.TlsClient;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A validated run: everything {@link LoadRun} needs, nothing left to check.
 *
 * @param tls the client TLS context every connection of the run shares
 * @param devices measured flows; {@link Long#MAX_VALUE} when {@code duration} bounds the run
 * @param duration how long to start measured flows (or, with {@code hold}, how long to keep the
 *     sessions open); null for no time bound
 * @param rate flows started per second at most; 0 for no cap
 * @param hold sessions to open and keep idle instead of provisioning; 0 for a provisioning run
 * @param jsonFile where to write the summary as well, or null
 * @param histogramFile where to write the HdrHistogram log, or null
 */
public record RunPlan(
        ClientTransport transport,
        String host,
        InetAddress address,
        int port,
        TlsClient tls,
        String tlsProtocol,
        boolean tlsResumption,
        DeviceSource deviceSource,
        long devices,
        Duration duration,
        Warmup warmup,
        int concurrency,
        double rate,
        int hold,
        int threads,
        FlowSettings flow,
        Path jsonFile,
        Path histogramFile) {

    public boolean isHold() {
        return hold > 0;
    }
}
