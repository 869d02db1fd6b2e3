package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.PersistenceSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node whose Cassandra is down (nothing listens at its contact point): health says DOWN with the
 * journal named, the start history answers 503, and the metrics plane, which does not need the
 * journal, keeps taking and serving data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraDownTest {
  private RunningServer server;

  @BeforeAll
  void start() {
    PersistenceSettings settings = PersistenceSettings.create(ConfigFactory.load());
    ContactPoint nobody = new ContactPoint("127.0.0.1", RunningServer.freePort());
    server =
        RunningServer.start(
            "cassandra-down",
            """
            pipewatch.api.health-timeout = 500ms
            pipewatch.api.ask-timeout = 3s
            pipewatch.collector.probe.enabled = false
            """,
            CassandraJournalConfig.overlay(List.of(nobody), settings));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void healthIsDownNamingTheJournal() throws Exception {
    HttpResponse<String> response = server.get("/api/health");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode health = RunningServer.json(response);
    assertThat(health.path("status").asText()).isEqualTo("DOWN");
    assertThat(health.path("parts").path("journal").path("status").asText()).isEqualTo("DOWN");
    assertThat(health.path("parts").path("http").path("status").asText()).isEqualTo("UP");
  }

  @Test
  void theStartHistoryAnswers503() throws Exception {
    HttpResponse<String> response = server.get("/api/node");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(RunningServer.json(response).path("detail").asText()).contains("journal");
  }

  @Test
  void ingestAndReadsStillWork() throws Exception {
    HttpResponse<String> accepted =
        server.post(
            "/api/ingest",
            "{\"source\":\"no-journal\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\",\"value\":3}]}");
    assertThat(accepted.statusCode()).isEqualTo(202);

    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertThat(server.get("/api/metrics?source=no-journal").body()).contains("\"value\":3.0");
          return null;
        });
  }
}
