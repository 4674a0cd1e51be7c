package io.dpsemu.loadgen.stats;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** CPU time this process has used, all threads together: what the load generator itself costs. */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** Nanoseconds, or -1 when the JVM cannot tell. */
    public static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            if (nanos >= 0) {
                return nanos;
            }
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
