package io.dpsemu.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the build stamped into the jar: the version, for {@code --version} and the build-info metric. */
public final class BuildInfo {

    private static final String RESOURCE = "/dpsemu-build.properties";
    private static final String VERSION = load().getProperty("version", "unknown");

    private BuildInfo() {
    }

    /** The project version this server was built as, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return properties;
    }
}
