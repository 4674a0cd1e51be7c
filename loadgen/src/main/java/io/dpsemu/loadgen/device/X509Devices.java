package io.dpsemu.loadgen.device;

import java.util.List;
import java.util.stream.LongStream;

/**
 * Devices {@code {prefix}{index}} with leaf certificates issued by a CA at start-up, so that making
 * keys never counts in a measurement.
 */
public final class X509Devices implements DeviceSource {

    private final List<Device> devices;

    private X509Devices(List<Device> devices) {
        this.devices = devices;
    }

    public static X509Devices issue(CertificateAuthority authority, String prefix, long count) {
        return new X509Devices(LongStream.range(0, count).parallel()
                .mapToObj(i -> authority.issue(prefix + i)).toList());
    }

    @Override
    public long size() {
        return devices.size();
    }

    @Override
    public Device device(long index) {
        return devices.get(Math.toIntExact(index));
    }

    @Override
    public String attestation() {
        return "x509";
    }
}
