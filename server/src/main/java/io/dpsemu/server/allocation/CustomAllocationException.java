package io.dpsemu.server.allocation;

/**
 * A custom allocation that produced no hub: the webhook answered non-2xx, too late, too much, or
 * something that is not an allocation. The message is what the device's operation reports.
 */
public final class CustomAllocationException extends Exception {

    public CustomAllocationException(String message) {
        super(message);
    }
}
