package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One HTTP client cannot take every slot of a node: its new sources are limited per minute (429
 * with Retry-After naming the limit), while its existing sources keep being stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestClientLimitIT {
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "ingest-client-limit",
            """
            pipewatch.collector.probe.enabled = off
            pipewatch.collector.limits.new-sources-per-client-per-minute = 3
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String source) throws Exception {
    return server.post(
        "/api/ingest",
        "{\"source\":\""
            + source
            + "\",\"samples\":[{\"name\":\"g\",\"kind\":\"gauge\",\"value\":1}]}");
  }

  @Test
  void theFourthNewSourceOfOneClientWithinAMinuteAnswers429() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(post("client-src-" + i).statusCode()).isEqualTo(202);
    }
    HttpResponse<String> refused = post("client-src-3");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode error = RunningServer.json(refused);
    assertThat(error.path("field").asText()).isEqualTo("source");
    assertThat(error.path("detail").asText())
        .contains("127.0.0.1")
        .contains("new-sources-per-client-per-minute = 3");
    assertThat(server.get("/api/sources").body()).doesNotContain("client-src-3");
    // the sources it already has are not new
    assertThat(post("client-src-0").statusCode()).isEqualTo(202);
  }
}
