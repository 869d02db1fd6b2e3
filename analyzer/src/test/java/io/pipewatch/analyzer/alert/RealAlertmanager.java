package io.pipewatch.analyzer.alert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real Alertmanager binary (Debian's {@code prometheus-alertmanager}, installed by {@code
 * tools/ensure-test-tools.sh}) on a free loopback port, clustering off, with one route to a webhook
 * receiver at {@code hookUrl} (group wait 0 s, group interval 1 s, resolutions sent). Stopped (its
 * process killed, its directory left in target) by {@link #close}.
 */
public final class RealAlertmanager implements AutoCloseable {
  private final Process process;
  private final int port;

  private RealAlertmanager(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The binary's path. */
  public static String binary() {
    for (String p : List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    throw new IllegalStateException("no Alertmanager binary: run tools/ensure-test-tools.sh");
  }

  /** Starts it and waits until it answers {@code /-/ready}. */
  public static RealAlertmanager start(String hookUrl) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "alertmanager-");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "route:",
            "  receiver: test-hook",
            "  group_by: ['alertname']",
            "  group_wait: 0s",
            "  group_interval: 1s",
            "  repeat_interval: 1h",
            "receivers:",
            "  - name: test-hook",
            "    webhook_configs:",
            "      - url: '" + hookUrl + "'",
            "        send_resolved: true",
            ""));
    int port = freePort();
    Process p =
        new ProcessBuilder(
                binary(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    RealAlertmanager am = new RealAlertmanager(p, port);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "Alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(am.url() + "/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return am;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    am.close();
    throw new IllegalStateException("Alertmanager not ready within 20 s");
  }

  /** A loopback port nothing listens on (just released). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
