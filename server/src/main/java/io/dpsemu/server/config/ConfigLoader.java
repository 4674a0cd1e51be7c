package io.dpsemu.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link ServerConfig} from four layers, each overriding the one before: defaults in
 * code, the YAML file, environment variables, command-line flags.
 *
 * <p>Environment convention: {@code DPSEMU_} followed by the key path in upper snake case, e.g.
 * {@code provisioning.retryAfterSeconds} is {@code DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS}. Lists
 * are comma-separated; a linked hub is {@code host[=weight]}; {@code DPSEMU_FAULTS} is a JSON array of
 * fault rules.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "DPSEMU_";

    /**
     * DPSEMU_ variables that are not configuration keys: read by the launcher, by logback, by the
     * management commands and before start-up (where native libraries are unpacked).
     */
    private static final Set<String> OTHER_VARIABLES = Set.of("DPSEMU_JAVA_OPTS", "DPSEMU_LOG_LEVEL",
            "DPSEMU_CONNECTION_STRING", "DPSEMU_NATIVE_DIR");
    /** Variables of the project's own test suites (e.g. where their PostgreSQL is), never the server's. */
    private static final String TEST_PREFIX = "DPSEMU_TEST_";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {
    }

    /**
     * @param file      the YAML (or JSON) file, or null
     * @param env       the environment
     * @param overrides command-line values by key path ({@code limits.maxConnections}); lists as
     *                  {@link List}
     */
    public static ServerConfig load(Path file, Map<String, String> env, Map<String, Object> overrides) {
        ObjectNode tree = YAML.valueToTree(ServerConfig.defaults());
        if (file != null) {
            merge(tree, readFile(file), "");
        }
        rejectUnknownEnvironment(env);
        applyEnvironment(tree, tree.deepCopy(), "", env);
        overrides.forEach((path, value) -> set(tree, path, YAML.valueToTree(value)));
        fillLinkedHubDefaults(tree);
        ServerConfig config;
        try {
            config = YAML.treeToValue(tree, ServerConfig.class);
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + describe(e), e);
        }
        ConfigValidator.validate(config);
        return config;
    }

    /** The environment variable that sets the key at {@code path}. */
    public static String environmentName(String path) {
        StringBuilder name = new StringBuilder(ENV_PREFIX);
        for (char c : path.toCharArray()) {
            if (c == '.') {
                name.append('_');
            } else if (Character.isUpperCase(c)) {
                name.append('_').append(c);
            } else {
                name.append(Character.toUpperCase(c));
            }
        }
        return name.toString();
    }

    private static JsonNode readFile(Path file) {
        try {
            JsonNode node = YAML.readTree(Files.readAllBytes(file));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + ": the top level must be a mapping of keys");
            }
            return node;
        } catch (NoSuchFileException e) {
            throw new ConfigException("cannot read config file " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot read config file " + file + ": permission denied", e);
        } catch (FileSystemException e) {
            // the JDK's message is the path alone; the reason (e.g. "Is a directory") is apart
            throw new ConfigException("cannot read config file " + file + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + describe(e), e);
        }
    }

    /** Deep merge of a file tree into the defaults: unknown keys are caught later, when binding. */
    private static void merge(ObjectNode target, JsonNode source, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (field.getValue().isNull() && existing != null && existing.isContainerNode()) {
                // an empty section or list ("provisioning:" with every key commented out) sets nothing
                continue;
            }
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue(), prefix + field.getKey() + ".");
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /**
     * A hub written in the file as a mapping gets the same defaults as the {@code host[=weight]} short
     * form (weight 1, allocation applies) for the keys it leaves out; its host name has no default.
     */
    private static void fillLinkedHubDefaults(ObjectNode tree) {
        if (!(tree.get("linkedHubs") instanceof ArrayNode hubs)) {
            return;
        }
        ObjectNode defaults = YAML.valueToTree(LinkedHub.of(""));
        defaults.remove("hostName");
        for (JsonNode hub : hubs) {
            if (hub instanceof ObjectNode hubObject) {
                defaults.fields().forEachRemaining(field -> {
                    if (!hubObject.has(field.getKey())) {
                        hubObject.set(field.getKey(), field.getValue());
                    }
                });
            }
        }
    }

    /**
     * A misspelt variable would otherwise be ignored without a word; variables read elsewhere (the
     * launcher's and the log configuration's) are allowed.
     */
    private static void rejectUnknownEnvironment(Map<String, String> env) {
        Set<String> known = new HashSet<>(OTHER_VARIABLES);
        collectEnvironmentNames(YAML.valueToTree(ServerConfig.defaults()), "", known);
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(ENV_PREFIX) && !name.startsWith(TEST_PREFIX) && !known.contains(name)) {
                throw new ConfigException("unknown environment variable " + name
                        + " (no configuration key has this name)");
            }
        }
    }

    private static void collectEnvironmentNames(JsonNode shape, String prefix, Set<String> names) {
        shape.fields().forEachRemaining(field -> {
            String path = prefix + field.getKey();
            if (field.getValue().isObject()) {
                collectEnvironmentNames(field.getValue(), path + ".", names);
            } else {
                names.add(environmentName(path));
            }
        });
    }

    /** Walks the keys of the defaults, so every key has an environment name and no other name does. */
    private static void applyEnvironment(ObjectNode target, ObjectNode shape, String prefix, Map<String, String> env) {
        Iterator<Map.Entry<String, JsonNode>> fields = shape.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix + field.getKey();
            JsonNode shapeValue = field.getValue();
            if (shapeValue.isObject()) {
                JsonNode child = target.get(field.getKey());
                if (child instanceof ObjectNode childObject) {
                    applyEnvironment(childObject, (ObjectNode) shapeValue, path + ".", env);
                }
                continue;
            }
            String value = env.get(environmentName(path));
            if (value == null) {
                continue;
            }
            target.set(field.getKey(), shapeValue.isArray() ? listFromEnvironment(path, value) : new TextNode(value));
        }
    }

    private static JsonNode listFromEnvironment(String path, String value) {
        if (path.equals("faults")) {
            return jsonArrayFromEnvironment(path, value,
                    "fault rules, e.g. [{\"status\": 429, \"probability\": 0.5}]");
        }
        if (path.equals("issuance.policies")) {
            return jsonArrayFromEnvironment(path, value, "credential policies, e.g. [{\"name\": \"plant\","
                    + " \"certificate\": \"/etc/dpsemu/plant-ca.pem\", \"key\": \"/etc/dpsemu/plant-ca-key.pem\"}]");
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (path.equals("linkedHubs")) {
                list.add(YAML.valueToTree(LinkedHubSpec.parse(trimmed)));
            } else {
                list.add(trimmed);
            }
        }
        return list;
    }

    /**
     * Lists of records (fault rules, credential policies) do not fit a comma-separated list: the variable
     * holds a JSON (or YAML flow) array of them.
     */
    private static JsonNode jsonArrayFromEnvironment(String path, String value, String whatWithExample) {
        if (value.isBlank()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        try {
            JsonNode items = YAML.readTree(value);
            if (items != null && items.isArray()) {
                return items;
            }
        } catch (IOException e) {
            // described below
        }
        throw new ConfigException("environment variable " + environmentName(path) + " must be a JSON array of "
                + whatWithExample);
    }

    private static void set(ObjectNode tree, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.with(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    private static String describe(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            return "unknown key '" + keyPath(unknown.getPath()) + "'";
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "bad value for '" + keyPath(mapping.getPath()) + "': " + mapping.getOriginalMessage();
        }
        return e.getMessage();
    }

    private static String keyPath(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path) {
        List<String> parts = new ArrayList<>();
        for (var reference : path) {
            parts.add(reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }
}
