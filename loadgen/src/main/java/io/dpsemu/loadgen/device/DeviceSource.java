package io.dpsemu.loadgen.device;

/** The devices of a run, by index: warm-up devices first, then the measured ones. */
public interface DeviceSource {

    /** How many devices there are; {@link Long#MAX_VALUE} when they are made on demand. */
    long size();

    /** @param index 0 to {@link #size()} - 1 */
    Device device(long index);

    /** How the devices attest, for the summary: {@code group-key}, {@code keys-file} or {@code x509}. */
    String attestation();
}
