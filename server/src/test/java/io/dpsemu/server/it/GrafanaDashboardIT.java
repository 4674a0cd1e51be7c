package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.it.reliability.OperationsEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/grafana/dpsemu-dashboard.json against a real scrape: it parses, takes its Prometheus data
 * source from a template variable, and every metric and exact label value its queries name is one
 * the server serves, so a renamed meter or label value breaks this test, not the dashboard.
 */
@Timeout(60)
class GrafanaDashboardIT {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "dpsemu-dashboard.json");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern EXACT_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool");

    @EphemeralServer(settings = "operations.port=0")
    static DpsServer server;

    private static JsonNode dashboard;
    private static PrometheusText scrape;

    @BeforeAll
    static void readDashboardAndScrape() throws IOException {
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        OperationsEndpoint endpoint = new OperationsEndpoint(server.operationsPort());
        // GC pause timers exist from the first collection on; a server that has run a while has had one
        System.gc();
        scrape = await().atMost(Duration.ofSeconds(20)).until(endpoint::scrape,
                text -> !text.samples("jvm_gc_pause_seconds_count", Map.of()).isEmpty());
    }

    @Test
    void dataSource_isATemplateVariable_usedByEveryPanel() {
        JsonNode variables = dashboard.path("templating").path("list");
        assertThat(variables.findValues("type")).extracting(JsonNode::asText).contains("datasource");
        JsonNode dataSource = null;
        for (JsonNode variable : variables) {
            if (variable.path("type").asText().equals("datasource")) {
                dataSource = variable;
            }
        }
        assertThat(dataSource.path("query").asText()).isEqualTo("prometheus");
        String reference = "${" + dataSource.path("name").asText() + "}";
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).filteredOn(panel -> !panel.path("type").asText().equals("row")).isNotEmpty()
                .allSatisfy(panel -> {
                    assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                            .isEqualTo(reference);
                    assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                });
    }

    @Test
    void everyMetricTheQueriesName_isInARealScrape() {
        Set<String> served = new TreeSet<>();
        scrape.samples().forEach(sample -> served.add(sample.name()));
        Set<String> named = new TreeSet<>();
        queries().forEach(query -> named.addAll(metricNames(query)));

        assertThat(named).as("metrics the dashboard queries").contains("dps_registrations_total",
                "dps_registration_duration_seconds_bucket", "dps_store_up", "jvm_memory_used_bytes",
                "process_cpu_usage", "process_files_open_files");
        assertThat(served).as("samples the server serves").containsAll(named);
    }

    @Test
    void everyExactLabelValueTheQueriesName_isInARealScrape() {
        List<String> missing = new ArrayList<>();
        for (String query : queries()) {
            Matcher selector = SELECTOR.matcher(query);
            while (selector.find()) {
                Matcher matcher = EXACT_MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    Map<String, String> label = Map.of(matcher.group(1), matcher.group(2));
                    if (scrape.samples(selector.group(1), label).isEmpty()) {
                        missing.add(selector.group(1) + label);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /** The PromQL of every panel target and of every query variable. */
    private static List<String> queries() {
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.path("query").path("query").asText());
            }
        });
        assertThat(queries).isNotEmpty();
        return queries;
    }

    /** The metric names in a PromQL expression: identifiers that are no function, keyword, label or variable. */
    private static Set<String> metricNames(String query) {
        String bare = query.replaceAll("label_values\\(([^,]+),[^)]*\\)", "$1")
                .replaceAll("\"[^\"]*\"", "")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\$\\w+", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String word = identifier.group();
            boolean function = bare.substring(identifier.end()).stripLeading().startsWith("(");
            boolean partOfNumber = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!function && !partOfNumber && !PROMQL_WORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }
}
