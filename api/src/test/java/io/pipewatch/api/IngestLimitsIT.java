package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ingest contract's refusals on a whole node through a real HTTP client: a timestamp outside
 * the window answers 400 and changes nothing; a node without room answers 429 with Retry-After
 * before storing anything, and gives the slot of a stale source to a new one; one client may start
 * only so many sources a minute. The node holds at most 5 sources; a source is stale after 2 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestLimitsIT {
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "ingest-limits",
            """
            pipewatch.collector.probe.enabled = off
            pipewatch.collector.limits.max-sources-per-node = 5
            pipewatch.collector.limits.new-sources-per-client-per-minute = 100
            pipewatch.collector.limits.retry-after = 3s
            pipewatch.collector.stale-after-missed-flushes = 20
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String source, long ts, double value) throws Exception {
    return server.post(
        "/api/ingest",
        "{\"source\":\""
            + source
            + "\",\"timestamp\":"
            + ts
            + ",\"samples\":[{\"name\":\"g\",\"kind\":\"gauge\",\"value\":"
            + value
            + "}]}");
  }

  private List<String> sources() throws Exception {
    List<String> ids = new ArrayList<>();
    RunningServer.json(server.get("/api/sources"))
        .path("sources")
        .forEach(s -> ids.add(s.path("sourceId").asText()));
    return ids;
  }

  private JsonNode history(String source) throws Exception {
    return RunningServer.json(server.get("/api/metrics/" + source + "/g?range=5m"));
  }

  @Test
  @Order(1)
  void aTimestampOutsideTheWindowAnswers400AndChangesNothing() throws Exception {
    long now = System.currentTimeMillis();
    assertThat(post("clock", now, 1).statusCode()).isEqualTo(202);
    for (long bad : new long[] {32_503_680_000_000L, now + 61_000, now - 11_000}) {
      HttpResponse<String> response = post("clock", bad, 99);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(RunningServer.json(response).path("field").asText()).isEqualTo("timestamp");
    }
    // late within the window: merged, not refused
    assertThat(post("clock", now - 9_000, 2).statusCode()).isEqualTo(202);
    assertThat(post("clock", System.currentTimeMillis(), 3).statusCode()).isEqualTo(202);
    JsonNode history = history("clock");
    assertThat(history.path("values").toString()).isEqualTo("[2.0,1.0,3.0]");
    JsonNode source = RunningServer.json(server.get("/api/sources")).path("sources").get(0);
    assertThat(source.path("stale").asBoolean()).isFalse();
  }

  @Test
  @Order(2)
  void aFullNodeAnswers429WithRetryAfterThenGivesAStaleSlotToTheNewSource() throws Exception {
    long now = System.currentTimeMillis();
    for (int i = 1; i <= 4; i++) {
      assertThat(post("full-" + i, now, i).statusCode()).isEqualTo(202);
    }
    assertThat(post("clock", now, 4).statusCode()).isEqualTo(202); // all 5 fresh
    HttpResponse<String> refused = post("newcomer", now, 1);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
    JsonNode error = RunningServer.json(refused);
    assertThat(error.path("field").asText()).isEqualTo("source");
    assertThat(error.path("detail").asText()).contains("max-sources-per-node = 5");
    assertThat(sources()).doesNotContain("newcomer");

    // full-1..4 and clock go stale after 2 s; "clock" keeps sending and stays
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        Duration.ofMillis(200),
        () -> {
          try {
            assertThat(post("clock", System.currentTimeMillis(), 5).statusCode()).isEqualTo(202);
            HttpResponse<String> r = post("newcomer", System.currentTimeMillis(), 1);
            assertThat(r.statusCode()).as(r.body()).isIn(202, 429);
            assertThat(r.statusCode()).isEqualTo(202);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return null;
        });
    List<String> listed = sources();
    assertThat(listed).contains("newcomer", "clock").hasSize(5);
    assertThat(listed).doesNotContain("full-1"); // the oldest stale source gave up its slot
    assertThat(history("newcomer").path("values").size()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void afterSixtyJunkSourcesANewSourceIsStoredAndListedOrAnswered429() throws Exception {
    long now = System.currentTimeMillis();
    List<String> junkStored = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> r = post("junk-" + i, now, i);
      assertThat(r.statusCode()).as(r.body()).isIn(202, 429);
      if (r.statusCode() == 202) {
        junkStored.add("junk-" + i);
      } else {
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
      }
    }
    HttpResponse<String> real = post("real-one", System.currentTimeMillis(), 42);
    if (real.statusCode() == 202) {
      assertThat(sources()).contains("real-one");
      assertThat(history("real-one").path("values").toString()).isEqualTo("[42.0]");
    } else {
      assertThat(real.statusCode()).as(real.body()).isEqualTo(429);
      assertThat(real.headers().firstValue("Retry-After")).isPresent();
      assertThat(sources()).doesNotContain("real-one");
    }
    // a junk source answered 202 is listed unless a later source took its slot once it was stale
    assertThat(junkStored).isNotEmpty();
    String metrics = server.get("/metrics").body();
    assertThat(metrics).containsPattern("(?m)^pipewatch_refused_samples_total 0\\.0$");
  }
}
