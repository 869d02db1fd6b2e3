package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * H1 as an attack: one ingest token sends maximal labels, as many series and as many sources as the
 * node lets it into a server process with a 256 MiB heap. The node stays up and healthy, the attack
 * is answered 409 (labels over {@code max-label-bytes-per-series}) and 429 (the node's series
 * budget, the token's source quota), each naming its setting, and {@code /metrics} says why. On
 * main before the budget the 32 labels of 1,024 characters were stored (202) and nothing bounded
 * the node's series but 50 sources x 500 series (2.6 GB at full history).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryBudgetAttackIT {
  private static final String INGEST = "6f1c0b9a2d4e8f7a3b5c1d9e0f2a4b6c";
  private static final String VIEWER = "a94e7d2c1b0f3e5d7c9b8a6f4e2d0c1b";
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private ServerProcess server;

  @BeforeAll
  void start() throws Exception {
    ContactPoint cassandra = TestCassandra.get().contactPoint();
    String keyspaces = "budget_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Path workDir = Files.createTempDirectory(Path.of("target"), "memory-budget");
    server =
        ServerProcess.start(
            workDir,
            "budget",
            ServerProcess.freePort(),
            ServerProcess.freePort(),
            Map.of(
                "PIPEWATCH_DEMO",
                "false",
                "PIPEWATCH_CASSANDRA_CONTACT_POINTS",
                cassandra.host() + ":" + cassandra.port(),
                "PIPEWATCH_API_TOKENS",
                "attacker:ingest:" + INGEST + ",watcher:viewer:" + VIEWER),
            List.of(
                "-Xmx256m",
                "-Dpipewatch.persistence.journal-keyspace=" + keyspaces + "_journal",
                "-Dpipewatch.persistence.snapshot-keyspace=" + keyspaces + "_snapshot",
                "-Dpipewatch.collector.probe.enabled=false",
                // the per-minute rate stays out of the way: the quota is what this test shows
                "-Dpipewatch.collector.limits.new-sources-per-client-per-minute=1000"));
    server.awaitHealthy(HEALTHY_WITHIN);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aTokenHolderCannotTakeTheNodeDown() throws Exception {
    // 1. maximal labels: 32 labels of 1,024 characters on a new series
    Map<String, String> fat = new TreeMap<>();
    for (int i = 0; i < 32; i++) {
      fat.put("l" + i, "x".repeat(1024));
    }
    HttpResponse<String> labels = ingest("victim-0", List.of(sample("g", fat)));
    assertThat(labels.statusCode()).as(labels.body()).isEqualTo(409);
    assertThat(labels.body()).contains("max-label-bytes-per-series").contains("samples[0].labels");

    // 2. as many series as the budget lets in: labels just under the budget, 250 per batch
    Map<String, Integer> answers = new TreeMap<>();
    String budgetRefusal = null;
    String quotaRefusal = null;
    for (int source = 0; source < 40; source++) {
      for (int part = 0; part < 2; part++) {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
          Map<String, String> l = new TreeMap<>();
          l.put("pad1", "y".repeat(950));
          l.put("pad2", "z".repeat(950));
          samples.add(sample("m" + part + "_" + i, l));
        }
        HttpResponse<String> answer = ingest("flood-" + source, samples);
        answers.merge(Integer.toString(answer.statusCode()), 1, Integer::sum);
        if (answer.body().contains("max-series-per-node")) {
          budgetRefusal = answer.statusCode() + " " + answer.body();
        }
        if (answer.body().contains("max-sources-per-client")) {
          quotaRefusal = answer.statusCode() + " " + answer.body();
        }
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 409, 429);
      }
    }
    assertThat(budgetRefusal).as("answers %s", answers).startsWith("429");
    assertThat(quotaRefusal).as("answers %s", answers).startsWith("429");

    // 3. the node is up and healthy, and /metrics says why it refused
    assertThat(server.process.isAlive()).isTrue();
    server.awaitHealthy(Duration.ofSeconds(30));
    String metrics = get("/metrics").body();
    assertThat(value(metrics, "pipewatch_ingest_refusals_total{reason=\"label_budget\"}"))
        .isPositive();
    assertThat(value(metrics, "pipewatch_ingest_refusals_total{reason=\"node_series_budget\"}"))
        .isPositive();
    assertThat(value(metrics, "pipewatch_ingest_refusals_total{reason=\"client_sources\"}"))
        .isPositive();
    double budget = value(metrics, "pipewatch_series_budget");
    System.out.printf(
        "memory budget attack: answers %s; series budget %.0f, used %.0f, worst case %.0f of a"
            + " %.0f-byte heap%n",
        answers,
        budget,
        value(metrics, "pipewatch_series_budget_used"),
        value(metrics, "pipewatch_series_budget_bytes"),
        value(metrics, "pipewatch_heap_max_bytes"));
    assertThat(value(metrics, "pipewatch_series_budget_used")).isBetween(1.0, budget);
    assertThat(value(metrics, "pipewatch_series_budget_bytes"))
        .isLessThanOrEqualTo(value(metrics, "pipewatch_heap_max_bytes") / 2);
    assertThat(server.process.waitFor(1, TimeUnit.MILLISECONDS)).isFalse();
  }

  private static String sample(String name, Map<String, String> labels) {
    StringBuilder b = new StringBuilder("{\"name\":\"").append(name).append("\",\"labels\":{");
    String sep = "";
    for (Map.Entry<String, String> e : labels.entrySet()) {
      b.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
      sep = ",";
    }
    return b.append("},\"kind\":\"gauge\",\"value\":1}").toString();
  }

  private HttpResponse<String> ingest(String source, List<String> samples) throws Exception {
    String body = "{\"source\":\"" + source + "\",\"samples\":[" + String.join(",", samples) + "]}";
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort + "/api/ingest"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + INGEST)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + VIEWER)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample line that starts with {@code series} (exactly, then a space). */
  private static double value(String metrics, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as("%s on /metrics", series).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
