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
 * A job service Pipewatch has never seen, over plain HTTP only: its own metric names ({@code
 * jobs_submitted_total}, {@code jobs_completed_total}, {@code jobs_rejected_total}, {@code
 * job_queue_length}, {@code job_queue_limit}, {@code worker_threads}, a {@code
 * job_duration_seconds} summary), a bounded queue of 2,000 and a {@code workers} knob (1..16)
 * declared in every batch. Its throughput really depends on its workers: each completes 260 jobs a
 * second, less as workers contend ({@code 260 n / (1 + 0.08 (n - 1))}, Poisson noise); jobs arrive
 * at the rate the test sets; beyond the queue's bound they are rejected. It applies each setting of
 * an ingest answer once per changeId and reports it applied in its next batch.
 */
final class StrangerJobService {
  private final String source;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Random random = new Random(5);
  private final List<JsonNode> toAcknowledge = new ArrayList<>();
  private final List<String> appliedIds = new ArrayList<>();
  private int workers = 1;
  private double arrivalsPerSecond;
  private double queue;
  private double submitted;
  private double completed;
  private double rejected;
  private long jobs;
  private double durationSum;
  private long last = System.currentTimeMillis();

  StrangerJobService(String source, double arrivalsPerSecond) {
    this.source = source;
    this.arrivalsPerSecond = arrivalsPerSecond;
  }

  void arrivals(double perSecond) {
    arrivalsPerSecond = perSecond;
  }

  int workers() {
    return workers;
  }

  double queue() {
    return queue;
  }

  /** Waits for the service's pace (a batch every 100 ms), runs it and sends one batch. */
  HttpResponse<String> post(String baseUrl) throws IOException, InterruptedException {
    Thread.sleep(Math.max(0, last + 100 - System.currentTimeMillis()));
    long now = System.currentTimeMillis();
    double seconds = (now - last) / 1000.0;
    last = now;
    double in = poisson(arrivalsPerSecond * seconds);
    double capacity = 260 * workers / (1 + 0.08 * (workers - 1)) * seconds;
    double done = Math.min(queue + in, poisson(capacity));
    queue += in - done;
    double over = Math.max(0, queue - 2_000);
    queue -= over;
    submitted += in;
    completed += done;
    rejected += over;
    double wait = queue / (capacity / seconds);
    jobs += (long) done;
    durationSum += done * (wait + 0.004);
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
               {"name":"jobs_submitted_total","kind":"counter","value":%.0f},
               {"name":"jobs_completed_total","kind":"counter","value":%.0f},
               {"name":"jobs_rejected_total","kind":"counter","value":%.0f},
               {"name":"job_queue_length","kind":"gauge","value":%.0f},
               {"name":"job_queue_limit","kind":"gauge","value":2000},
               {"name":"worker_threads","kind":"gauge","value":%d},
               {"name":"job_duration_seconds","kind":"histogram","count":%d,"sum":%.4f,
                "quantiles":{"0.5":%.4f,"0.9":%.4f,"0.95":%.4f,"0.99":%.4f},"max":%.4f}],
             "knobs":[{"name":"workers","min":1,"max":16,"step":1,"value":%d}],
             "applied":[%s]}
            """,
            source,
            now,
            submitted,
            completed,
            rejected,
            queue,
            workers,
            jobs,
            durationSum,
            wait + 0.004,
            wait + 0.008,
            wait + 0.010,
            wait + 0.015,
            wait + 0.02,
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
          workers = s.path("value").asInt();
        }
        toAcknowledge.add(s);
      }
    }
    return answer;
  }

  private double poisson(double mean) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
  }
}
