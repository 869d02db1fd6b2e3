package io.pipewatch.bench.receivers;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.pipewatch.collector.ingest.remotewrite.RemoteWriteEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of the three ways in, one after the other against one running node: {@code POST
 * /api/ingest} (JSON), {@code POST /v1/metrics} (OTLP protobuf) and {@code POST /api/v1/write}
 * (remote_write). Each phase runs {@code clients} threads for {@code seconds}, every request one
 * batch of {@code samples} gauges of one of 10 sources per receiver stamped with the current time;
 * every thread waits for its answer before the next request, so when a phase ends no request is in
 * flight. Loss check: the node's {@code pipewatch_ingest_samples_total} (samples its collectors
 * stored), read once it has settled, must have grown by exactly the samples of the requests
 * answered 2xx.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.receivers.ReceiverThroughputHarness \
 *     http://127.0.0.1:18200 <clients> <seconds> <samplesPerRequest>
 * }</pre>
 */
public final class ReceiverThroughputHarness {
  private static final int SOURCES = 10;
  private static final Pattern STORED =
      Pattern.compile("(?m)^pipewatch_ingest_samples_total(?:\\{[^}]*})? ([0-9.eE+]+)$");

  private ReceiverThroughputHarness() {}

  private interface Body {
    HttpRequest request(String base, int source, long now);
  }

  public static void main(String[] args) throws Exception {
    String base = args[0];
    int clients = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int samples = Integer.parseInt(args[3]);
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
    System.out.printf(
        "%-13s %8s %10s %12s %14s %8s%n",
        "receiver", "requests", "2xx", "samples/s", "stored-delta", "lost");
    run("json-ingest", http, base, clients, seconds, samples, json(samples));
    run("otlp-protobuf", http, base, clients, seconds, samples, otlp(samples));
    run("remote_write", http, base, clients, seconds, samples, remoteWrite(samples));
    System.exit(0);
  }

  private static void run(
      String name, HttpClient http, String base, int clients, int seconds, int samples, Body body)
      throws Exception {
    long before = settled(http, base);
    AtomicLong requests = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      workers.add(
          pool.submit(
              () -> {
                int i = client;
                while (System.nanoTime() < end) {
                  try {
                    HttpResponse<Void> response =
                        http.send(
                            body.request(base, i++ % SOURCES, System.currentTimeMillis()),
                            HttpResponse.BodyHandlers.discarding());
                    requests.incrementAndGet();
                    if (response.statusCode() / 100 == 2) {
                      ok.incrementAndGet();
                    }
                  } catch (Exception e) {
                    requests.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long after = settled(http, base);
    long acked = ok.get() * samples;
    System.out.printf(
        "%-13s %8d %10d %12.0f %14d %8d%n",
        name, requests.get(), ok.get(), acked / elapsed, after - before, acked - (after - before));
  }

  /**
   * The stored-samples counter once it has stopped moving (the node's figures are gathered from its
   * collectors periodically, so the page lags the stores by up to a gathering interval): two equal
   * readings 2 s apart, within 30 s.
   */
  private static long settled(HttpClient http, String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long last = stored(http, base);
    while (System.nanoTime() < deadline) {
      Thread.sleep(2000);
      long now = stored(http, base);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static long stored(HttpClient http, String base) throws Exception {
    String page =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = STORED.matcher(page);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static Body json(int samples) {
    StringBuilder parts = new StringBuilder();
    for (int i = 0; i < samples; i++) {
      parts.append(i == 0 ? "" : ",");
      parts.append("{\"name\":\"load_gauge_").append(i).append("\",\"kind\":\"gauge\",\"value\":");
      parts.append(i).append('}');
    }
    String samplesJson = parts.toString();
    return (base, source, now) ->
        HttpRequest.newBuilder(URI.create(base + "/api/ingest"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"source\":\"load-json-"
                        + source
                        + "\",\"timestamp\":"
                        + now
                        + ",\"samples\":["
                        + samplesJson
                        + "]}",
                    StandardCharsets.UTF_8))
            .build();
  }

  private static Body otlp(int samples) {
    return (base, source, now) -> {
      ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
      for (int i = 0; i < samples; i++) {
        scope.addMetrics(
            Metric.newBuilder()
                .setName("load_gauge_" + i)
                .setGauge(
                    Gauge.newBuilder()
                        .addDataPoints(
                            NumberDataPoint.newBuilder()
                                .setTimeUnixNano(now * 1_000_000L)
                                .setAsDouble(i))));
      }
      byte[] body =
          ExportMetricsServiceRequest.newBuilder()
              .addResourceMetrics(
                  ResourceMetrics.newBuilder()
                      .setResource(
                          Resource.newBuilder()
                              .addAttributes(
                                  KeyValue.newBuilder()
                                      .setKey("service.name")
                                      .setValue(
                                          AnyValue.newBuilder()
                                              .setStringValue("load-otlp-" + source))))
                      .addScopeMetrics(scope))
              .build()
              .toByteArray();
      return HttpRequest.newBuilder(URI.create(base + "/v1/metrics"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    };
  }

  private static Body remoteWrite(int samples) {
    return (base, source, now) -> {
      List<RemoteWriteEncoder.Series> series = new ArrayList<>(samples);
      for (int i = 0; i < samples; i++) {
        series.add(
            new RemoteWriteEncoder.Series(
                Map.of("__name__", "load_gauge_" + i, "job", "load-rw", "instance", "i" + source),
                i,
                now));
      }
      return HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
          .header("Content-Type", "application/x-protobuf")
          .header("Content-Encoding", "snappy")
          .header("X-Prometheus-Remote-Write-Version", "0.1.0")
          .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteEncoder.encode(series)))
          .build();
    };
  }
}
