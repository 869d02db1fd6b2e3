package io.pipewatch.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code prometheus-alertmanager} the build installs, on a free loopback port with
 * clustering off and one route: every alert to {@code webhook} (resolutions too), grouped by {@code
 * groupBy}, sent at once ({@code group_wait: 0s}, {@code group_interval: 1s}).
 *
 * <pre>{@code
 * try (RealAlertmanager am = RealAlertmanager.start("http://127.0.0.1:9000/hook", "[alertname]")) {
 *   ... PIPEWATCH_ALERTMANAGER_URLS = am.url() ...
 * }
 * }</pre>
 */
final class RealAlertmanager implements AutoCloseable {
  private final Process process;
  private final String url;

  private RealAlertmanager(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static RealAlertmanager start(String webhook, String groupBy) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("target"), "alertmanager-");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        "route: {receiver: hook, group_by: "
            + groupBy
            + ", group_wait: 0s, group_interval: 1s, repeat_interval: 1h}\n"
            + "receivers: [{name: hook, webhook_configs: [{url: '"
            + webhook
            + "', send_resolved: true}]}]\n");
    int port = ServerProcess.freePort();
    Process process =
        new ProcessBuilder(
                Files.isExecutable(Path.of("/usr/bin/prometheus-alertmanager"))
                    ? "/usr/bin/prometheus-alertmanager"
                    : "alertmanager",
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    return new RealAlertmanager(process, "http://127.0.0.1:" + port);
  }

  /** Its base URL, e.g. {@code http://127.0.0.1:41234}. */
  String url() {
    return url;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
