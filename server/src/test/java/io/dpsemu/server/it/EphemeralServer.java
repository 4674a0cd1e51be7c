package io.dpsemu.server.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a static {@link io.dpsemu.server.DpsServer} field that {@link EphemeralServerExtension} fills with a
 * real dpsemu for the test class: on 127.0.0.1 with ephemeral ports (so it never collides with the SDK
 * tests' 8883 and 443) and a data directory of its own, started before the first test and closed after
 * the last.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EphemeralServerExtension.class)
@interface EphemeralServer {

    /** {@code memory}, {@code sqlite} or {@code postgres}. */
    String store() default "memory";

    /** Further configuration as {@code key=value} ({@code limits.httpRequestTimeoutSeconds=2}). */
    String[] settings() default {};
}
