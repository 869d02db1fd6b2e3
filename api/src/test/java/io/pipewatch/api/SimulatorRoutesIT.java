package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo pipeline on a whole node: its sources report, and faults are injected over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorRoutesIT {
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "simulator-routes",
            """
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theDemoPipelineReportsEveryStage() {
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          String sources = server.get("/api/sources").body();
          for (String stage : new String[] {"ingest", "parse", "embed", "index"}) {
            assertThat(sources).contains("\"docpipe-" + stage + "\"");
          }
          return null;
        });
  }

  @Test
  void aFaultIsInjectedAndListedWithItsGroundTruth() throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/simulator/faults",
            "{\"kind\":\"cpu-saturation\",\"stage\":\"embed\",\"duration\":\"30s\",\"intensity\":0.8}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode fault = RunningServer.json(response);
    assertThat(fault.path("kind").asText()).isEqualTo("cpu-saturation");
    assertThat(fault.path("sourceId").asText()).isEqualTo("docpipe-embed");
    assertThat(fault.path("endMillis").asLong() - fault.path("startMillis").asLong())
        .isEqualTo(30_000);

    JsonNode listed = RunningServer.json(server.get("/api/simulator/faults"));
    assertThat(listed.path("active").toString()).contains(fault.path("id").asText());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "unknown kind  | {\"kind\":\"meteor\",\"stage\":\"embed\",\"duration\":\"5s\"}    | kind",
        "unknown stage | {\"kind\":\"stage-stall\",\"stage\":\"oven\",\"duration\":\"5s\"} | stage",
        "bad duration  | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"soon\"} | duration",
        "huge duration | {\"kind\":\"cpu-saturation\",\"stage\":\"embed\",\"duration\":\"PT3000000H\"} | duration",
        "huge delay    | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"5s\",\"delay\":\"PT3000000H\"} | delay",
        "NaN intensity | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"5s\",\"intensity\":NaN} | intensity",
      })
  void aBadFaultIsRefusedNamingTheField(String why, String body, String field) throws Exception {
    int before = RunningServer.json(server.get("/api/simulator/faults")).path("all").size();
    HttpResponse<String> response = server.post("/api/simulator/faults", body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(RunningServer.json(response).path("field").asText()).isEqualTo(field);
    HttpResponse<String> listed = server.get("/api/simulator/faults");
    assertThat(listed.statusCode()).as("the demo still answers").isEqualTo(200);
    assertThat(RunningServer.json(listed).path("all").size())
        .as("nothing injected")
        .isEqualTo(before);
  }

  @Test
  void anUnknownFieldIsRefused() throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/simulator/faults",
            "{\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"5s\",\"colour\":\"red\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(RunningServer.json(response).path("field").asText()).isEqualTo("colour");
  }
}
