package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * "A 2xx means stored" under concurrent load, through a real HTTP client against a whole node: 20
 * connections post 200-sample gauge batches over 10 sources, each stamped with the current time in
 * milliseconds, so batches of one source arrive out of order and with equal timestamps. Bounded:
 * 2,000 batches or 60 s. Every 2xx batch must be in history, sample for sample, and nothing may be
 * counted as refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestUnderLoadIT {
  private static final int CONNECTIONS = 20;
  private static final int BATCHES = 2_000;
  private static final int SOURCES = 10;
  private static final int SAMPLES = 200;
  private static final Duration BOUND = Duration.ofSeconds(60);

  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "ingest-load",
            """
            pipewatch.collector.probe.enabled = off
            # a shared 2-core machine may be slow; a 503 (no answer in time) promises nothing
            pipewatch.api.ask-timeout = 10s
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** One batch answered 2xx: its source, timestamp and the value all its samples carried. */
  private record Sent(int source, long ts, int value) {}

  @Test
  void everySampleOfEvery2xxBatchIsInHistoryAndNothingIsRefused() throws Exception {
    ConcurrentLinkedQueue<Sent> stored = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Sent> unknown = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicLong deadline = new AtomicLong(System.nanoTime() + BOUND.toNanos());
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    for (int c = 0; c < CONNECTIONS; c++) {
      pool.submit(
          () -> {
            int n;
            while ((n = next.getAndIncrement()) < BATCHES && System.nanoTime() < deadline.get()) {
              int source = n % SOURCES;
              long ts = System.currentTimeMillis();
              HttpResponse<String> response = server.post("/api/ingest", body(source, ts, n));
              statuses
                  .computeIfAbsent(response.statusCode(), k -> new AtomicInteger())
                  .incrementAndGet();
              if (response.statusCode() / 100 == 2) {
                stored.add(new Sent(source, ts, n));
              } else {
                errors.add(response.statusCode() + " " + response.body());
                if (response.statusCode() == 503) {
                  unknown.add(new Sent(source, ts, n)); // no answer in time: stored or not
                }
              }
            }
            return null;
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(BOUND.toSeconds() + 10, TimeUnit.SECONDS)).isTrue();

    // 202, or 503 when the machine is too slow to answer within the ask timeout; never a refusal
    assertThat(statuses.keySet()).as("statuses %s: %s", statuses, errors).isSubsetOf(202, 503);
    assertThat(stored).hasSizeGreaterThanOrEqualTo(BATCHES * 9 / 10);
    Map<Integer, List<Sent>> bySource = new HashMap<>();
    stored.forEach(s -> bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s));
    Map<Integer, List<Sent>> unknownBySource = new HashMap<>();
    unknown.forEach(
        s -> unknownBySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s));
    for (int source = 0; source < SOURCES; source++) {
      List<Sent> sent = bySource.getOrDefault(source, List.of());
      for (String series : new String[] {"load_gauge_0", "load_gauge_" + (SAMPLES - 1)}) {
        JsonNode history =
            RunningServer.json(
                server.get("/api/metrics/load-" + source + "/" + series + "?range=5m"));
        List<String> held = new ArrayList<>();
        int offset = series.equals("load_gauge_0") ? 0 : SAMPLES - 1;
        for (int i = 0; i < history.path("values").size(); i++) {
          held.add(
              history.path("timestamps").get(i).asLong()
                  + "="
                  + (long) history.path("values").get(i).asDouble());
        }
        List<String> expected = new ArrayList<>();
        sent.forEach(s -> expected.add(s.ts() + "=" + ((long) s.value() * SAMPLES + offset)));
        List<String> maybe = new ArrayList<>(expected);
        unknownBySource
            .getOrDefault(source, List.of())
            .forEach(s -> maybe.add(s.ts() + "=" + ((long) s.value() * SAMPLES + offset)));
        assertThat(held).as("load-%d %s", source, series).containsAll(expected);
        assertThat(held).as("load-%d %s", source, series).doesNotHaveDuplicates();
        assertThat(maybe).as("load-%d %s", source, series).containsAll(held);
        List<Long> timestamps = new ArrayList<>();
        history.path("timestamps").forEach(t -> timestamps.add(t.asLong()));
        assertThat(timestamps).isSorted();
      }
    }
    long accepted = (long) stored.size() * SAMPLES;
    long atMost = (long) (stored.size() + unknown.size()) * SAMPLES;
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          String metrics = get("/metrics");
          assertThat(figure(metrics, "pipewatch_ingest_samples_total")).isBetween(accepted, atMost);
          assertThat(figure(metrics, "pipewatch_refused_samples_total")).isZero();
          return null;
        });
  }

  /** A batch whose sample i carries {@code n * SAMPLES + i}, so every sample is traceable. */
  private static String body(int source, long ts, int n) {
    StringBuilder b = new StringBuilder(SAMPLES * 48);
    b.append("{\"source\":\"load-")
        .append(source)
        .append("\",\"timestamp\":")
        .append(ts)
        .append(",\"samples\":[");
    for (int i = 0; i < SAMPLES; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"name\":\"load_gauge_")
          .append(i)
          .append("\",\"kind\":\"gauge\",\"value\":")
          .append((long) n * SAMPLES + i)
          .append('}');
    }
    return b.append("]}").toString();
  }

  private String get(String path) {
    try {
      return server.get(path).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long figure(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(exposition);
    assertThat(m.find()).as(name + " in /metrics").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
