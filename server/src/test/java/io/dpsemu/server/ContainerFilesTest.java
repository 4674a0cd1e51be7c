package io.dpsemu.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The container files under {@code docker/}, checked without a container runtime (the build machines
 * have none that can pull base images): the compose files parse, every compose variable has a default,
 * the descriptor limits and HAProxy's maxconn come from variables whose defaults start on a host
 * limited to 20,000 descriptors, every DPSEMU_ variable they set is one dpsemu knows, and the
 * Dockerfile builds every module and runs the release archive's launcher.
 */
class ContainerFilesTest {

    private static final Path DOCKER = Path.of("..", "docker");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The descriptor limit the defaults must start on (a host seen with it). */
    private static final int HOST_DESCRIPTOR_LIMIT = 20_000;
    /** HAProxy's descriptors beyond two per connection with haproxy.cfg (23 measured with HAProxy 2.6). */
    private static final int HAPROXY_OWN_DESCRIPTORS = 100;
    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME-default}}, ...; {@code $$} escapes a dollar. */
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}");
    private static final Pattern HAPROXY_MAXCONN = Pattern.compile("^\\s*maxconn\\s+(.*)$", Pattern.MULTILINE);
    private static final Pattern LB_MAXCONN = Pattern.compile("\"\\$\\{DPS_LB_MAXCONN-(\\d+)}\"");

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose.cluster.yaml"})
    void everyComposeVariable_hasADefault(String file) throws IOException {
        List<String> variables = new ArrayList<>();
        scalars(compose(file), variables);

        assertThat(variables).isNotEmpty().allSatisfy(value -> {
            Matcher variable = COMPOSE_VARIABLE.matcher(value);
            while (variable.find()) {
                assertThat(variable.group(2)).as("%s in %s", variable.group(), file).matches(":-.+");
            }
        });
    }

    @Test
    void clusterDescriptorLimits_comeFromVariablesWhoseDefaultsStartOnA20000Limit() throws IOException {
        JsonNode services = compose("compose.cluster.yaml").path("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("postgres", "dpsemu-1", "dpsemu-2",
                "lb");
        for (String node : List.of("dpsemu-1", "dpsemu-2")) {
            String nofile = service(services, node).path("ulimits").path("nofile").asText();
            assertThat(nofile).as(node).isEqualTo("${DPS_NODE_NOFILE:-20000}");
        }
        JsonNode lb = service(services, "lb");
        String lbNofile = lb.path("ulimits").path("nofile").asText();
        assertThat(lbNofile).isEqualTo("${DPS_LB_NOFILE:-20000}");
        assertThat(lb.path("environment")).as("passed on to haproxy.cfg").extracting(JsonNode::toString)
                .asString().contains("\"DPS_LB_MAXCONN\"");

        int lbDescriptors = Integer.parseInt(lbNofile.replaceAll(".*:-(\\d+)}", "$1"));
        assertThat(lbDescriptors).isLessThanOrEqualTo(HOST_DESCRIPTOR_LIMIT);
        List<String> maxconns = haproxyMaxconns();
        assertThat(maxconns).as("global and defaults").hasSize(2).allSatisfy(value -> {
            Matcher variable = LB_MAXCONN.matcher(value);
            assertThat(variable.matches()).as("maxconn %s: the variable with a default", value).isTrue();
            int maxconn = Integer.parseInt(variable.group(1));
            assertThat(2 * maxconn + HAPROXY_OWN_DESCRIPTORS).as("descriptors HAProxy needs for maxconn %d", maxconn)
                    .isLessThanOrEqualTo(lbDescriptors);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose.cluster.yaml"})
    void everyDpsemuVariableOfTheComposeFiles_isOneDpsemuKnows(String file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(dockerfileEnvironment());
        JsonNode services = compose(file).path("services");
        services.fieldNames().forEachRemaining(name -> service(services, name).path("environment").fields()
                .forEachRemaining(variable -> env.put(variable.getKey(), withDefaults(variable.getValue().asText()))));
        env.keySet().removeIf(name -> !name.startsWith(ConfigLoader.ENV_PREFIX));

        assertThat(env).isNotEmpty();
        assertThatCode(() -> ConfigLoader.load(null, env, Map.of())).as("%s with %s", file, env)
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose.cluster.yaml"})
    void everyDpsemuNode_runsOnAReadOnlyRootWithATmpfs(String file) throws IOException {
        JsonNode services = compose(file).path("services");
        List<String> nodes = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (service(services, name).path("image").asText().startsWith("dpsemu")) {
                nodes.add(name);
            }
        });

        assertThat(nodes).isNotEmpty().allSatisfy(node -> {
            assertThat(service(services, node).path("read_only").asBoolean()).as(node).isTrue();
            assertThat(service(services, node).path("tmpfs").toString()).as(node).contains("\"/tmp\"");
        });
    }

    @Test
    void dockerfile_buildsEveryModule_andRunsTheReleaseArchivesLauncherOnThePath() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        int modules = 0;
        while (module.find()) {
            modules++;
            String name = module.group(1);
            assertThat(dockerfile).contains("COPY " + name + "/pom.xml ", "COPY " + name + "/src ");
        }
        assertThat(modules).isPositive();
        assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/dpsemu/bin/dpsemu\"]", "PATH=/opt/dpsemu/bin:$PATH");
        Map<String, String> env = dockerfileEnvironment();
        assertThat(env.get(NativeLibraries.ENV_DIRECTORY)).as("native libraries in the volume, not on a noexec /tmp")
                .startsWith(env.get("DPSEMU_DATA_DIR") + "/");
        assertThat(env).containsEntry("DPSEMU_HTTPS_PORT", "8443");
    }

    /**
     * The compose file as compose sees it, with its anchors, aliases and merge keys ({@code <<: *node})
     * applied: SnakeYAML (Jackson's YAML parser) does that, Jackson's tree model does not.
     */
    private static JsonNode compose(String file) throws IOException {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(DOCKER.resolve(file)));
        return JSON.valueToTree(document);
    }

    private static JsonNode service(JsonNode services, String name) {
        return services.path(name);
    }

    private static void scalars(JsonNode node, List<String> values) {
        if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> scalars(child, values));
            node.fieldNames().forEachRemaining(values::add);
        } else {
            values.add(node.asText());
        }
    }

    /** A compose value with each {@code ${NAME:-default}} replaced by its default, as without the variable. */
    private static String withDefaults(String value) {
        return COMPOSE_VARIABLE.matcher(value).replaceAll(variable -> Matcher.quoteReplacement(
                variable.group(2).startsWith(":-") ? variable.group(2).substring(2) : ""));
    }

    private static List<String> haproxyMaxconns() throws IOException {
        List<String> values = new ArrayList<>();
        Matcher maxconn = HAPROXY_MAXCONN.matcher(Files.readString(DOCKER.resolve("haproxy.cfg")));
        while (maxconn.find()) {
            values.add(maxconn.group(1).strip());
        }
        return values;
    }

    /** The image's {@code ENV NAME=value \ ...} instruction. */
    private static Map<String, String> dockerfileEnvironment() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", " ");
        Matcher instruction = Pattern.compile("^ENV (.*)$", Pattern.MULTILINE).matcher(dockerfile);
        assertThat(instruction.find()).as("an ENV instruction").isTrue();
        Map<String, String> env = new LinkedHashMap<>();
        Matcher pair = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)").matcher(instruction.group(1));
        while (pair.find()) {
            env.put(pair.group(1), pair.group(2).replace("\"", ""));
        }
        return env;
    }
}
