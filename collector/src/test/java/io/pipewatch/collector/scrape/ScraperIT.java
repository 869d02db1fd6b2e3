package io.pipewatch.collector.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.scrape.ScrapeSettings.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scraper against real servers: Debian's prometheus-node-exporter started on a free loopback
 * port (CI installs it; if it is missing the test fails), and a JDK HTTP server serving bad,
 * failing, oversized and slow answers.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScraperIT {

  static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("application-test"));

  private Process nodeExporter;
  private URI nodeExporterUrl;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  void startServers() throws Exception {
    if (!Files.isExecutable(NODE_EXPORTER)) {
      throw new IllegalStateException(
          NODE_EXPORTER
              + " not found: install the Debian package prometheus-node-exporter"
              + " (apt-get install prometheus-node-exporter); CI installs it");
    }
    nodeExporterUrl = startNodeExporter();

    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    serve("/bad", 200, "ok_metric 1\nthis is not a metric line\nbad{x=\"1} 2\nfine 3\n");
    serve("/error", 500, "boom");
    serve("/huge", 200, "big_metric 1\n".repeat(2000));
    server.createContext(
        "/slow",
        exchange -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.start();
  }

  private void serve(String path, int status, String body) {
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
  }

  /** Starts node_exporter on a free port; retries when another process takes the port first. */
  private URI startNodeExporter() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (int attempt = 0; attempt < 5; attempt++) {
      int port;
      try (ServerSocket socket =
          new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      Process process =
          new ProcessBuilder(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      URI url = URI.create("http://127.0.0.1:" + port + "/metrics");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (process.isAlive() && System.nanoTime() < deadline) {
        try {
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
          // Ours, not another server's: it answers with node_exporter's own series.
          if (response.statusCode() == 200
              && response.body().contains("node_exporter_build_info")) {
            nodeExporter = process;
            return url;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(50); // polling a starting process, not waiting for an outcome
      }
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    throw new IllegalStateException("prometheus-node-exporter did not start on a free port");
  }

  @AfterAll
  void stopServers() throws InterruptedException {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    if (nodeExporter != null) {
      nodeExporter.destroy();
      if (!nodeExporter.waitFor(10, TimeUnit.SECONDS)) {
        nodeExporter.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private URI local(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private Collector.Ingest scrapeOnce(Target target, Duration timeout, int maxBodyBytes) {
    TestProbe<Collector.Ingest> sink = testKit.createTestProbe();
    ScrapeSettings settings =
        new ScrapeSettings(List.of(target), timeout, Duration.ofSeconds(2), maxBodyBytes);
    var scraper = testKit.spawn(Scraper.create(settings, sink.ref()::tell));
    Collector.Ingest ingest =
        sink.expectMessageClass(Collector.Ingest.class, Duration.ofSeconds(20));
    testKit.stop(scraper);
    return ingest;
  }

  private static Map<String, Double> unlabelled(Collector.Ingest ingest) {
    return ingest.samples().stream()
        .filter(s -> s.labels().isEmpty())
        .collect(Collectors.toMap(Sample::name, Sample::value, (a, b) -> a));
  }

  @Test
  void scrapesARealNodeExporterWithoutBadLines() {
    Collector.Ingest ingest =
        scrapeOnce(
            new Target(nodeExporterUrl, "node-1", Duration.ofSeconds(60)),
            Duration.ofSeconds(10),
            10 << 20);

    assertThat(ingest.sourceId()).isEqualTo("node-1");
    Map<String, Double> health = unlabelled(ingest);
    assertThat(health).containsEntry("up", 1.0).containsEntry("scrape_bad_lines", 0.0);
    assertThat(health.get("scrape_samples_scraped")).isGreaterThan(100);
    assertThat(health.get("scrape_body_bytes")).isGreaterThan(1000);
    assertThat(ingest.samples().stream().filter(s -> s.name().startsWith("node_")).count())
        .isGreaterThan(100);
    assertThat(ingest.samples())
        .anyMatch(
            s ->
                s.name().equals("node_cpu_seconds_total")
                    && s.kind() == MetricKind.COUNTER
                    && s.labels().containsKey("mode"))
        .anyMatch(s -> s.name().equals("node_memory_MemTotal_bytes") && s.value() > 0)
        // a summary of the Go runtime: quantiles 0, 0.25, 0.5, 0.75, 1
        .anyMatch(
            s -> s.name().equals("go_gc_duration_seconds") && s.kind() == MetricKind.HISTOGRAM)
        .allMatch(s -> Double.isFinite(s.value()));
  }

  @Test
  void parsesNodeExporterOutputLikePromtool() throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(nodeExporterUrl).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    TextFormatParser.ParseResult result = TextFormatParser.parse(body);
    assertThat(result.errors()).isEmpty();
    assertThat(result.badLines()).isZero();
    io.pipewatch.collector.testing.Promtool.Result check =
        io.pipewatch.collector.testing.Promtool.checkMetrics(body);
    assertThat(check.exitCode()).as(check.output()).isNotEqualTo(1); // 1 = does not parse
  }

  @Test
  void countsBadLinesAndKeepsTheGoodOnes() {
    Collector.Ingest ingest =
        scrapeOnce(
            new Target(local("/bad"), "bad", Duration.ofSeconds(60)),
            Duration.ofSeconds(5),
            1 << 20);
    Map<String, Double> v = unlabelled(ingest);
    assertThat(v)
        .containsEntry("up", 1.0)
        .containsEntry("scrape_bad_lines", 2.0)
        .containsEntry("ok_metric", 1.0)
        .containsEntry("fine", 3.0)
        .containsEntry("scrape_samples_scraped", 2.0);
  }

  @Test
  void reportsDownForErrorsOversizeBodiesTimeoutsAndRefusals() throws IOException {
    assertThat(
            unlabelled(
                scrapeOnce(
                    new Target(local("/error"), "e", Duration.ofSeconds(60)),
                    Duration.ofSeconds(5),
                    1 << 20)))
        .containsEntry("up", 0.0)
        .doesNotContainKey("boom");
    Map<String, Double> huge =
        unlabelled(
            scrapeOnce(
                new Target(local("/huge"), "h", Duration.ofSeconds(60)),
                Duration.ofSeconds(5),
                4096));
    assertThat(huge).containsEntry("up", 0.0).doesNotContainKey("big_metric");
    assertThat(
            unlabelled(
                scrapeOnce(
                    new Target(local("/slow"), "s", Duration.ofSeconds(60)),
                    Duration.ofMillis(300),
                    1 << 20)))
        .containsEntry("up", 0.0);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Collector.Ingest refused =
        scrapeOnce(
            new Target(
                URI.create("http://127.0.0.1:" + closedPort + "/metrics"),
                "r",
                Duration.ofSeconds(60)),
            Duration.ofSeconds(5),
            1 << 20);
    assertThat(refused.samples()).hasSize(6);
    assertThat(unlabelled(refused))
        .containsEntry("up", 0.0)
        .containsEntry("scrape_samples_scraped", 0.0);
  }

  @Test
  void readsTargetsFromConfigurationAndNamesBadKeys() {
    ScrapeSettings settings =
        ScrapeSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.collector.scrape.targets = ["
                        + "{ url = \"http://127.0.0.1:9100/metrics\", source = \"node-1\", interval = 15s },"
                        + "{ url = \"https://svc:8443/metrics\", source = \"svc\" } ]")
                .withFallback(ConfigFactory.load()));
    assertThat(settings.targets())
        .containsExactly(
            new Target(
                URI.create("http://127.0.0.1:9100/metrics"), "node-1", Duration.ofSeconds(15)),
            new Target(URI.create("https://svc:8443/metrics"), "svc", Duration.ofSeconds(10)));
    assertThat(settings.maxBodyBytes()).isEqualTo(10 * 1024 * 1024);

    for (String[] bad :
        new String[][] {
          {
            "[{ url = \"ftp://x/metrics\", source = \"a\" }]",
            "pipewatch.collector.scrape.targets[0].url"
          },
          {"[{ url = \"http://x/m\" }]", "pipewatch.collector.scrape.targets[0].source"},
          {
            "[{ url = \"http://x/m\", source = a }, { url = \"http://y/m\", source = a }]",
            "pipewatch.collector.scrape.targets[1].source"
          },
          {
            "[{ url = \"http://x/m\", source = a, interval = soon }]",
            "pipewatch.collector.scrape.targets[0].interval"
          },
          {"\"http://x\"", "pipewatch.collector.scrape.targets"}
        }) {
      var config =
          ConfigFactory.parseString("pipewatch.collector.scrape.targets = " + bad[0])
              .withFallback(ConfigFactory.load());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScrapeSettings.create(config))
          .as(bad[0])
          .isInstanceOf(io.pipewatch.collector.settings.InvalidSettingException.class)
          .hasMessageContaining("'" + bad[1] + "'");
    }
  }
}
