package io.dpsemu.server.config;

/** Parses the short form of a linked hub used by flags and environment variables: {@code host[=weight]}. */
public final class LinkedHubSpec {

    private LinkedHubSpec() {
    }

    public static LinkedHub parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            return LinkedHub.of(spec.trim());
        }
        String host = spec.substring(0, eq).trim();
        String weight = spec.substring(eq + 1).trim();
        try {
            return new LinkedHub(host, Integer.parseInt(weight), true);
        } catch (NumberFormatException e) {
            throw new ConfigException("linked hub '" + spec + "': the weight '" + weight + "' is not a whole number");
        }
    }
}
