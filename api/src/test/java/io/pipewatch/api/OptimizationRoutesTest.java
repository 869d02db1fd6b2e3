package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.KnobEndpoint;
import io.pipewatch.optimizer.Observation;
import io.pipewatch.optimizer.Signals;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The optimizers' REST edge on a whole node with the real Cassandra journal: mode, a forced change
 * reaching the service's endpoint, an operator's rollback, the history read back from the journal
 * in order; bad input answered 4xx naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptimizationRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start("optimization-routes", "pipewatch.collector.probe.enabled = false\n");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<String> put(String path, String body, String contentType) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl + path))
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String encoded(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  @Test
  void anOperatorForcesAChangeRollsItBackAndReadsTheHistoryFromTheJournal() throws Exception {
    String source = "opt-" + UUID.randomUUID();
    HttpResponse<String> mode =
        put(
            "/api/optimizations/mode",
            "{\"source\":\"" + source + "\",\"mode\":\"off\"}",
            "application/json");
    assertThat(mode.statusCode()).as(mode.body()).isEqualTo(200);
    assertThat(RunningServer.json(mode).path("mode").asText()).isEqualTo("off");

    EntityRef<AdaptiveOptimizer.Command> optimizer =
        ClusterSharding.get(server.kit.system()).entityRefFor(AdaptiveOptimizer.TYPE_KEY, source);
    TestProbe<KnobEndpoint.Command> endpoint = server.kit.createTestProbe();
    List<KnobSpec> knobs = List.of(KnobSpec.numeric("workers", "", 1, 32, 1, 8));
    long t = System.currentTimeMillis() - 40_000;
    for (int i = 0; i < 35; i++) {
      optimizer.tell(
          new AdaptiveOptimizer.Report(
              knobs,
              new Observation(t + i * 1000L, Map.of(Signals.THROUGHPUT, 100.0 + i % 3)),
              endpoint.getRef()));
    }

    HttpResponse<String> forced =
        server.post(
            "/api/optimizations/changes",
            "{\"source\":\""
                + source
                + "\",\"knob\":\"workers\",\"value\":12,\"reason\":\"test\"}");
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    JsonNode inFlight = RunningServer.json(forced).path("inFlight");
    assertThat(inFlight.path("phase").asText()).isEqualTo("approved");
    String id = inFlight.path("id").asText();
    KnobEndpoint.ChangeSetting sent = (KnobEndpoint.ChangeSetting) endpoint.receiveMessage(WAIT);
    assertThat(sent.knob()).isEqualTo("workers");
    assertThat(sent.value()).isEqualTo(12);

    HttpResponse<String> again =
        server.post(
            "/api/optimizations/changes",
            "{\"source\":\"" + source + "\",\"knob\":\"workers\",\"value\":16}");
    assertThat(again.statusCode()).as("one change in flight").isEqualTo(409);

    HttpResponse<String> rollback =
        server.post("/api/optimizations/" + encoded(id) + "/rollback", "");
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
    assertThat(RunningServer.json(rollback).path("decisions").get(0).path("outcome").asText())
        .isEqualTo("rolled-back");
    KnobEndpoint.ChangeSetting restore = (KnobEndpoint.ChangeSetting) endpoint.receiveMessage(WAIT);
    assertThat(restore.value()).isEqualTo(8);

    TestProbe<Object> probe = server.kit.createTestProbe();
    List<String> types =
        probe.awaitAssert(
            WAIT,
            () -> {
              HttpResponse<String> history =
                  server.get("/api/optimizations/history?source=" + source + "&limit=50");
              assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
              List<String> out = new ArrayList<>();
              RunningServer.json(history)
                  .path("events")
                  .forEach(e -> out.add(e.path("type").asText()));
              assertThat(out).hasSize(5);
              return out;
            });
    assertThat(types)
        .containsExactly(
            "ModeChanged", "KnobsDeclared", "ChangeProposed", "ChangeApproved", "ChangeRolledBack");

    HttpResponse<String> overview = server.get("/api/optimizations");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("\"source\":\"" + source + "\"");
  }

  @Test
  void badInputIsAJson4xxNamingTheField() throws Exception {
    assertField(
        put("/api/optimizations/mode", "{\"source\":\"s\",\"mode\":\"fast\"}", "application/json"),
        400,
        "mode");
    assertField(
        put("/api/optimizations/mode", "{\"mode\":\"auto\"}", "application/json"), 400, "source");
    assertField(
        put(
            "/api/optimizations/mode",
            "{\"source\":\"s\",\"mode\":\"auto\",\"x\":1}",
            "application/json"),
        400,
        "x");
    assertThat(put("/api/optimizations/mode", "source=s", "text/plain").statusCode())
        .isEqualTo(415);
    assertField(server.get("/api/optimizations/history?limit=0"), 400, "limit");
    assertField(server.get("/api/optimizations/history?since=yesterday"), 400, "since");
    assertField(server.get("/api/optimizations/history?sorce=s"), 400, "sorce");
    assertField(server.get("/api/optimizations?x=1"), 400, "x");
    assertField(
        server.post(
            "/api/optimizations/changes", "{\"source\":\"s\",\"knob\":\"k\",\"value\":\"x\"}"),
        400,
        "value");
    assertField(
        server.post("/api/optimizations/changes", "{\"knob\":\"k\",\"value\":1}"), 400, "source");
    assertField(server.post("/api/optimizations/no-hash/approve", ""), 400, "id");
    String nobody = encoded("nobody-" + UUID.randomUUID() + "#1");
    // the first ask starts that source's optimizer (recovery from the journal may exceed the ask
    // timeout on a loaded machine: 503); once it runs, the answer is a 409
    HttpResponse<String> unknown =
        server
            .kit
            .createTestProbe()
            .awaitAssert(
                WAIT,
                Duration.ofSeconds(1),
                () -> {
                  HttpResponse<String> r =
                      server.post("/api/optimizations/" + nobody + "/approve", "");
                  assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                  return r;
                });
    assertThat(RunningServer.json(unknown).path("detail").asText())
        .contains("nothing is in flight");
  }

  private static void assertField(HttpResponse<String> response, int status, String field)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(RunningServer.json(response).path("field").asText()).isEqualTo(field);
  }
}
