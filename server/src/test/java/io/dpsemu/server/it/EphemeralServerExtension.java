package io.dpsemu.server.it;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/** Starts and stops the servers of {@link EphemeralServer} fields. */
final class EphemeralServerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EphemeralServerExtension.class);

    /** A started server and the directory it keeps its data in. */
    private record Running(DpsServer server, Path dataDir) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Field field : fields(context)) {
            EphemeralServer options = field.getAnnotation(EphemeralServer.class);
            Path dataDir = Files.createTempDirectory("dpsemu-it-");
            DpsServer server = DpsServer.start(ConfigLoader.load(null, environment(options), Map.of(
                    "dataDir", dataDir.toString(),
                    "store", options.store(),
                    "bind", "127.0.0.1",
                    "mqttPort", 0, "httpsPort", 0)));
            context.getStore(NAMESPACE).put(field.getName(), new Running(server, dataDir));
            field.setAccessible(true);
            field.set(null, server);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Field field : fields(context)) {
            Running running = context.getStore(NAMESPACE).remove(field.getName(), Running.class);
            field.set(null, null);
            if (running != null) {
                running.server().close();
                deleteRecursively(running.dataDir());
            }
        }
    }

    private static Iterable<Field> fields(ExtensionContext context) {
        return AnnotationSupport.findAnnotatedFields(context.getRequiredTestClass(), EphemeralServer.class,
                field -> Modifier.isStatic(field.getModifiers()) && field.getType() == DpsServer.class,
                HierarchyTraversalMode.TOP_DOWN);
    }

    /** The settings as the environment variables a user would set for them, read the same way. */
    private static Map<String, String> environment(EphemeralServer options) {
        Map<String, String> environment = new HashMap<>();
        for (String setting : options.settings()) {
            int equals = setting.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("setting '" + setting + "' is not key=value");
            }
            environment.put(ConfigLoader.environmentName(setting.substring(0, equals).strip()),
                    setting.substring(equals + 1).strip());
        }
        return environment;
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
