package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xerial.snappy.Snappy;

/**
 * The protocol receivers over real HTTP on a whole node: OTLP/HTTP (protobuf, JSON with gzip,
 * partial success, bad input) and remote_write (bad input, and Debian's real Prometheus 2.42
 * scraping a real node exporter and remote-writing to the node).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolReceiversIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

  private RunningServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "protocols",
            // a node exporter has about 1,000 series
            "pipewatch.collector.probe.enabled = false\n"
                + "pipewatch.collector.limits.max-series-per-source = 5000\n",
            RunningServer.inMemoryJournal("protocols-snapshots"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> post(String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static ExportMetricsServiceRequest request(String service, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(Arrays.asList(metrics))))
        .build();
  }

  private static NumberDataPoint point(double value) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
        .setAsDouble(value)
        .build();
  }

  private static Metric gauge(String name, double value) {
    return Metric.newBuilder()
        .setName(name)
        .setGauge(Gauge.newBuilder().addDataPoints(point(value)))
        .build();
  }

  /** Latest values of a source as series id → value. */
  private Map<String, Double> latest(String source) throws Exception {
    JsonNode body =
        RunningServer.json(
            server.get("/api/metrics?source=" + java.net.URLEncoder.encode(source, "UTF-8")));
    Map<String, Double> out = new HashMap<>();
    body.path("metrics")
        .forEach(m -> out.put(m.path("series").asText(), m.path("value").asDouble()));
    return out;
  }

  /** Latest timestamps of a source as series id → epoch ms. */
  private Map<String, JsonNode> timestamps(String source) throws Exception {
    JsonNode body =
        RunningServer.json(
            server.get("/api/metrics?source=" + java.net.URLEncoder.encode(source, "UTF-8")));
    Map<String, JsonNode> out = new HashMap<>();
    body.path("metrics").forEach(m -> out.put(m.path("series").asText(), m.path("timestamp")));
    return out;
  }

  @Test
  void otlpProtobufIsStoredBeforeThe200() throws Exception {
    var histogram =
        Metric.newBuilder()
            .setName("request.duration")
            .setUnit("s")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                            .addExplicitBounds(0.1)
                            .addExplicitBounds(1)
                            .addBucketCounts(6)
                            .addBucketCounts(4)
                            .addBucketCounts(0)
                            .setCount(10)
                            .setSum(2.5)
                            .setMax(0.8)))
            .build();
    var counter =
        Metric.newBuilder()
            .setName("jobs.done")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(point(7)))
            .build();
    var response =
        post(
            "/v1/metrics",
            request("otlp-proto", gauge("queue.depth", 17.5), counter, histogram).toByteArray(),
            "Content-Type",
            "application/x-protobuf");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    assertThat(ExportMetricsServiceResponse.parseFrom(response.body()).hasPartialSuccess())
        .isFalse();
    var second =
        post(
            "/v1/metrics",
            request(
                    "otlp-proto",
                    counter.toBuilder()
                        .setSum(counter.getSum().toBuilder().setDataPoints(0, point(17)))
                        .build())
                .toByteArray(),
            "Content-Type",
            "application/x-protobuf");
    assertThat(second.statusCode()).isEqualTo(200);
    Map<String, Double> latest = latest("otlp-proto");
    assertThat(latest)
        .containsEntry("queue_depth", 17.5)
        .containsEntry("request_duration_max", 0.8);
    // counters are stored as per-second rates: 10 more jobs since the first export
    assertThat(latest.get("jobs_done_total")).isPositive();
    assertThat(latest).containsEntry("request_duration_mean", 0.25);
  }

  /** Runs the OpenTelemetry SDK client ({@code otlp-client}) in its own JVM; returns its output. */
  private String runSdkClient(String protocol, String service) throws Exception {
    String resource = "io/pipewatch/otlpclient/classpath.txt";
    java.net.URL url = getClass().getClassLoader().getResource(resource);
    assertThat(url).as("otlp-client's classpath.txt").isNotNull();
    String sdkJars = new String(url.openStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String own =
        url.getProtocol().equals("jar")
            ? Path.of(URI.create(url.getPath().substring(0, url.getPath().indexOf("!/"))))
                .toString()
            : Path.of(url.toURI())
                .toString()
                .replace(resource.replace('/', java.io.File.separatorChar), "");
    Path log = Files.createTempFile("otlp-client", ".log");
    Process client =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                own + java.io.File.pathSeparator + sdkJars,
                io.pipewatch.otlpclient.OtlpClientMain.class.getName(),
                server.baseUrl + "/v1/metrics",
                protocol,
                service)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client finished in 60 s").isTrue();
    String output = Files.readString(log);
    assertThat(client.exitValue()).as(output).isZero();
    return output;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"protobuf", "json"})
  void openTelemetrySdkExporterInAnotherJvm(String protocol) throws Exception {
    String service = "otel-sdk-" + protocol;
    String output = runSdkClient(protocol, service);
    assertThat(output).contains("export 1 succeeded", "export 2 succeeded");
    Map<String, Double> latest = latest(service + "@i-1");
    // gauge: as reported
    assertThat(latest).containsEntry("queue_depth{stage=\"parse\"}", 42.5);
    // counter: 7 more jobs between two exports at least 1.1 s (and, here, at most 10 s) apart
    assertThat(latest.get("jobs_done_total")).isBetween(7 / 10.0, 7 / 1.1);
    // histogram: the second export's one new value (0.9) is the interval's mean and the max
    assertThat(latest).containsEntry("job_duration_max", 0.9);
    assertThat(latest.get("job_duration_mean"))
        .isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
    // p50 over all 5 values (cumulative buckets 2/2/1 at bounds 0.1/0.5/1): in the (0.1, 0.5]
    // bucket
    assertThat(latest.get("job_duration_p50")).isBetween(0.1, 0.5);
  }

  @Test
  void refusalsAreCountedByReasonOnMetricsWhichPromtoolAccepts() throws Exception {
    post("/v1/metrics", new byte[] {1, 2, 3}, "Content-Type", "text/plain");
    post(
        "/api/v1/write",
        new byte[] {1, 2, 3},
        "Content-Type",
        "application/x-protobuf",
        "Content-Encoding",
        "snappy");
    String page = server.get("/metrics").body();
    assertThat(page)
        .contains("pipewatch_receiver_refusals_total{reason=\"content_type\",receiver=\"otlp\"}")
        .contains(
            "pipewatch_receiver_refusals_total{reason=\"malformed\",receiver=\"remote_write\"}")
        .contains("pipewatch_receiver_requests_total{code=\"415\",receiver=\"otlp\"}")
        .contains("pipewatch_build_info{");
    // promtool on the receivers' own families. (The whole page is not clean once a Prometheus has
    // remote-written summaries: their quantile series arrive untyped and are re-exposed as gauges
    // with a quantile label. Moving collected series off /metrics, issue 22 item 5, fixes that.)
    StringBuilder own = new StringBuilder();
    for (String line : page.split("\n")) {
      if (line.matches("(# (HELP|TYPE) )?pipewatch_(receiver_|build_info).*")) {
        own.append(line).append('\n');
      }
    }
    var check = io.pipewatch.collector.testing.Promtool.checkMetrics(own.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).isBlank();
  }

  @Test
  void otlpJsonWithGzipAndPartialSuccess() throws Exception {
    long nanos = System.currentTimeMillis() * 1_000_000L;
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-json"}}]},
         "scopeMetrics":[{"metrics":[
           {"name":"temperature","unit":"Cel","gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":21.5}]}},
           {"name":"broken","gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":"NaN"}]}}]}]}]}
        """
            .formatted(nanos, nanos);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    }
    var response =
        post(
            "/v1/metrics",
            zipped.toByteArray(),
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "gzip");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JsonSupport.MAPPER.readTree(response.body());
    assertThat(body.path("partialSuccess").path("rejectedDataPoints").asText()).isEqualTo("1");
    assertThat(body.path("partialSuccess").path("errorMessage").asText())
        .contains("metrics[1].gauge.dataPoints[0].asDouble: not finite (NaN)");
    assertThat(latest("otlp-json")).containsOnlyKeys("temperature");
  }

  @Test
  void otlpBadInputIsA4xxAndStoresNothing() throws Exception {
    byte[] full = request("otlp-bad", gauge("g", 1)).toByteArray();
    var truncated =
        post(
            "/v1/metrics",
            Arrays.copyOf(full, full.length - 4),
            "Content-Type",
            "application/x-protobuf");
    assertThat(truncated.statusCode()).isEqualTo(400);
    String status = new String(truncated.body(), StandardCharsets.UTF_8);
    assertThat(status).contains("malformed OTLP protobuf");
    var text = post("/v1/metrics", full, "Content-Type", "text/plain");
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("Content-Type");
    var allNan =
        post(
            "/v1/metrics",
            request("otlp-bad", gauge("g", Double.NaN)).toByteArray(),
            "Content-Type",
            "application/x-protobuf");
    assertThat(allNan.statusCode()).isEqualTo(400);
    var badGzip =
        post(
            "/v1/metrics",
            full,
            "Content-Type",
            "application/x-protobuf",
            "Content-Encoding",
            "gzip");
    assertThat(badGzip.statusCode()).isEqualTo(400);
    assertThat(latest("otlp-bad")).isEmpty();
  }

  private static byte[] writeRequest(String name, String job, double value, int copies)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream w = CodedOutputStream.newInstance(out);
    long now = System.currentTimeMillis(); // one timestamp: copies are the same series and time
    for (int c = 0; c < copies; c++) {
      ByteArrayOutputStream ts = new ByteArrayOutputStream();
      CodedOutputStream t = CodedOutputStream.newInstance(ts);
      for (String[] l : new String[][] {{"__name__", name}, {"job", job}}) {
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        CodedOutputStream lc = CodedOutputStream.newInstance(label);
        lc.writeString(1, l[0]);
        lc.writeString(2, l[1]);
        lc.flush();
        t.writeByteArray(1, label.toByteArray());
      }
      ByteArrayOutputStream sample = new ByteArrayOutputStream();
      CodedOutputStream sc = CodedOutputStream.newInstance(sample);
      sc.writeDouble(1, value);
      sc.writeInt64(2, now);
      sc.flush();
      t.writeByteArray(2, sample.toByteArray());
      t.flush();
      w.writeByteArray(1, ts.toByteArray());
    }
    w.flush();
    return out.toByteArray();
  }

  @Test
  void remoteWriteStoresAndRefusesBadInput() throws Exception {
    String[] headers = {
      "Content-Type",
      "application/x-protobuf",
      "Content-Encoding",
      "snappy",
      "X-Prometheus-Remote-Write-Version",
      "0.1.0"
    };
    var ok =
        post("/api/v1/write", Snappy.compress(writeRequest("rw_gauge", "rw-ok", 3, 1)), headers);
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(latest("rw-ok")).containsEntry("rw_gauge", 3.0);

    var badSnappy = post("/api/v1/write", writeRequest("g", "rw-bad", 1, 1), headers);
    assertThat(badSnappy.statusCode()).isEqualTo(400);
    assertThat(new String(badSnappy.body(), StandardCharsets.UTF_8))
        .contains("\"field\":\"body\"")
        .contains("snappy");
    var duplicate =
        post("/api/v1/write", Snappy.compress(writeRequest("g", "rw-bad", 1, 2)), headers);
    assertThat(duplicate.statusCode()).isEqualTo(400);
    assertThat(new String(duplicate.body(), StandardCharsets.UTF_8)).contains("repeats series g");
    var nan =
        post("/api/v1/write", Snappy.compress(writeRequest("g", "rw-bad", Double.NaN, 1)), headers);
    assertThat(nan.statusCode()).isEqualTo(400);
    var json =
        post(
            "/api/v1/write",
            Snappy.compress(writeRequest("g", "rw-bad", 1, 1)),
            "Content-Type",
            "application/json",
            "Content-Encoding",
            "snappy");
    assertThat(json.statusCode()).isEqualTo(415);
    var plain =
        post(
            "/api/v1/write",
            writeRequest("g", "rw-bad", 1, 1),
            "Content-Type",
            "application/x-protobuf");
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(latest("rw-bad")).isEmpty();
  }

  @Test
  void realPrometheusRemoteWritesANodeExportersSeries() throws Exception {
    assertThat(PROMETHEUS).as("Debian package prometheus (tools/ensure-test-tools.sh)").exists();
    assertThat(NODE_EXPORTER).as("Debian package prometheus-node-exporter").exists();
    Path dir = Files.createTempDirectory("pw-prometheus");
    int exporterPort = RunningServer.freePort();
    int prometheusPort = RunningServer.freePort();
    Process exporter =
        new ProcessBuilder(
                NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + exporterPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("exporter.log").toFile())
            .start();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ["127.0.0.1:%d"]
        remote_write:
          - url: %s/api/v1/write
            queue_config:
              batch_send_deadline: 1s
              max_samples_per_send: 1000
        """
            .formatted(exporterPort, server.baseUrl));
    Process prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try {
      String source = "node@127.0.0.1:" + exporterPort;
      long readyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(dir.resolve("prometheus.log")).contains("Server is ready")) {
        assertThat(prometheus.isAlive()).as("prometheus running").isTrue();
        assertThat(System.nanoTime()).as("prometheus ready in 60 s").isLessThan(readyDeadline);
        Thread.onSpinWait();
        Thread.sleep(50);
      }
      // Prometheus' remote-write queue starts tailing its WAL a few seconds after start-up; what
      // is measured is how long a scraped sample takes to be in Pipewatch: the time it is first
      // seen here minus its scrape timestamp (same machine clock).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Map<String, Double> latest = Map.of();
      long lagMillis = -1;
      while (System.nanoTime() < deadline) {
        Thread.sleep(50);
        JsonNode load = timestamps(source).get("node_load1");
        if (load != null) {
          lagMillis = System.currentTimeMillis() - load.asLong();
          latest = latest(source);
          break;
        }
      }
      System.out.println("node exporter sample in Pipewatch " + lagMillis + " ms after its scrape");
      assertThat(lagMillis).as("ms from scrape to Pipewatch").isBetween(0L, 5_000L);
      assertThat(latest)
          .as(Files.readString(dir.resolve("prometheus.log")))
          .containsKey("node_load1");
      assertThat(latest).containsKey("up");
      assertThat(latest.keySet().stream().filter(k -> k.startsWith("node_")).count())
          .isGreaterThan(100);
    } finally {
      prometheus.destroy();
      exporter.destroy();
      prometheus.waitFor(20, TimeUnit.SECONDS);
      exporter.waitFor(20, TimeUnit.SECONDS);
      prometheus.destroyForcibly();
      exporter.destroyForcibly();
    }
  }
}
