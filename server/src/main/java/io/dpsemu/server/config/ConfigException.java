package io.dpsemu.server.config;

/** A configuration error: start-up stops with this message, which names the offending key. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
