package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The remote_write sender against Debian's real Prometheus 2.42 started with {@code
 * --web.enable-remote-write-receiver}: a series ingested into Pipewatch is queryable there with
 * {@code promtool query instant}, and {@code /metrics} counts the samples sent.
 */
class RemoteWriteSenderIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @Test
  void pipewatchSeriesAreQueryableInPrometheus() throws Exception {
    assertThat(PROMETHEUS).as("Debian package prometheus").exists();
    Path dir = Files.createTempDirectory("pw-rw-out");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 15s\n");
    int port = RunningServer.freePort();
    String prometheusUrl = "http://127.0.0.1:" + port;
    Process prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try (RunningServer server =
        RunningServer.start(
            "rw-out",
            """
            pipewatch.collector.probe.enabled = false
            pipewatch.api.remote-write-out {
              enabled = on
              url = "%s/api/v1/write"
              interval = 300ms
            }
            """
                .formatted(prometheusUrl),
            RunningServer.inMemoryJournal("rw-out-snapshots"))) {
      var stored =
          server.post(
              "/api/ingest",
              "{\"source\":\"rw-out-svc\",\"samples\":[{\"name\":\"answer_value\",\"kind\":\"gauge\","
                  + "\"labels\":{\"stage\":\"parse\"},\"value\":42}]}");
      assertThat(stored.statusCode()).isEqualTo(202);
      String query = "answer_value{source=\"rw-out-svc\",stage=\"parse\"}";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String answer = "";
      while (System.nanoTime() < deadline) {
        Process promtool =
            new ProcessBuilder(PROMTOOL.toString(), "query", "instant", prometheusUrl, query)
                .redirectErrorStream(true)
                .start();
        answer = new String(promtool.getInputStream().readAllBytes());
        promtool.waitFor(10, TimeUnit.SECONDS);
        if (answer.contains("=> 42")) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(answer).as(Files.readString(dir.resolve("prometheus.log"))).contains("=> 42");
      assertThat(server.get("/metrics").body())
          .containsPattern("pipewatch_remote_write_samples_total\\{outcome=\"sent\"} [1-9]");
    } finally {
      prometheus.destroy();
      prometheus.waitFor(20, TimeUnit.SECONDS);
      prometheus.destroyForcibly();
    }
  }
}
