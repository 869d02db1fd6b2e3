package io.pipewatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A plain HTTP client playing an HTTP-only service with one real knob, {@code concurrency}: its
 * throughput follows the Universal Scalability Law in its worker count (alpha 0.05, beta 0.0015, N*
 * = 25) with 1 % noise, and every worker is busy. Each {@link #post} sends one batch (processed
 * documents, workers in flight) with the knob declared at its current value and the settings
 * applied since the last batch; it applies each setting of the answer once per changeId.
 */
final class PullingService {
  private final String source;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Random noise = new Random(7);
  private final List<JsonNode> toAcknowledge = new ArrayList<>();
  private final List<String> appliedIds = new ArrayList<>();
  private double workers;
  private double processed;
  private long last = System.currentTimeMillis();

  PullingService(String source, double workers) {
    this.source = source;
    this.workers = workers;
  }

  /** Throughput (documents/s) of {@code n} workers. */
  static double throughput(double n) {
    return 10 * n / (1 + 0.05 * (n - 1) + 0.0015 * n * (n - 1));
  }

  double workers() {
    return workers;
  }

  /** The changeIds whose settings this service applied, in order. */
  List<String> appliedIds() {
    return List.copyOf(appliedIds);
  }

  /** Waits for the service's pace (a batch a second), then sends one batch to {@code baseUrl}. */
  HttpResponse<String> post(String baseUrl) throws IOException, InterruptedException {
    Thread.sleep(Math.max(0, last + 1000 - System.currentTimeMillis()));
    long now = System.currentTimeMillis();
    processed += throughput(workers) * (1 + 0.01 * noise.nextGaussian()) * (now - last) / 1000.0;
    last = now;
    StringBuilder acks = new StringBuilder();
    for (JsonNode s : toAcknowledge) {
      acks.append(acks.length() == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"changeId\":\"%s\",\"knob\":\"%s\",\"value\":%s}",
                  s.path("changeId").asText(),
                  s.path("knob").asText(),
                  s.path("value").asText()));
    }
    String body =
        String.format(
            Locale.ROOT,
            """
            {"source":"%s","timestamp":%d,
             "samples":[
               {"name":"pipeline_documents_processed_total","kind":"counter","value":%.3f},
               {"name":"pipeline_stage_in_flight","kind":"gauge","value":%.0f}],
             "knobs":[{"name":"concurrency","min":1,"max":64,"step":1,"value":%.0f}],
             "applied":[%s]}
            """,
            source,
            now,
            processed,
            workers,
            workers,
            acks);
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/api/ingest"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 202) {
      toAcknowledge.clear();
      for (JsonNode s : JsonSupport.MAPPER.readTree(answer.body()).path("settings")) {
        if (!appliedIds.contains(s.path("changeId").asText())) {
          appliedIds.add(s.path("changeId").asText());
          workers = s.path("value").asDouble();
        }
        toAcknowledge.add(s);
      }
    }
    return answer;
  }
}
