package io.dpsemu.protocol;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds an enum constant by the name that configuration, fault rules and the CLI use for it. */
final class ConfigNames {

    private ConfigNames() {
    }

    /**
     * @param what what a constant is, for the message ("a transport")
     * @throws IllegalArgumentException naming the accepted names when {@code name} is none of them
     */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> configName, String what, String name) {
        String wanted = name == null ? "" : name.trim();
        for (E value : values) {
            if (configName.apply(value).equalsIgnoreCase(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not " + what + "; expected one of "
                + Arrays.stream(values).map(configName).collect(Collectors.joining(", ")));
    }
}
