package io.dpsemu.protocol.enrollment;

/** {@code capabilities}: whether the device is an IoT Edge device. */
public record DeviceCapabilities(boolean iotEdge) {
}
