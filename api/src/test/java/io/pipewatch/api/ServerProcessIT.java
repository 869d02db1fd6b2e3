package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server as a user runs it: {@link Main} in its own JVM with the default embedded Cassandra (in
 * a temporary working directory), healthy over real HTTP, stopped with SIGTERM leaving no process
 * behind within a generous bound, and started again on the same data recovering what the first run
 * persisted. The first run has the demo pipeline on (the default), the second off. The stop time
 * itself (target: 5 s) is measured by {@code tools/run-check.sh} in CI and in docs/benchmarks.md,
 * not asserted here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerProcessIT {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
  private static final Duration STOPPED_WITHIN = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> started = new ArrayList<>();

  @AfterAll
  void killLeftovers() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void startsHealthyStopsCleanlyAndRecoversOnRestart() throws Exception {
    Path workDir = Files.createTempDirectory(Path.of("target"), "server-process");

    Server first = start(workDir, true);
    JsonNode health = first.awaitHealthy();
    for (String part : List.of("cluster", "journal", "http", "actors")) {
      assertThat(health.path("parts").path(part).path("status").asText()).as(part).isEqualTo("UP");
    }
    assertThat(first.node().path("starts").asLong()).isEqualTo(1);
    first.terminateAndAwaitNoProcessLeft();

    Server second = start(workDir, false);
    second.awaitHealthy();
    JsonNode node = second.node();
    assertThat(node.path("starts").asLong()).as("starts recovered from the journal").isEqualTo(2);
    assertThat(node.path("firstStartedAt").asText()).isNotBlank();
    second.terminateAndAwaitNoProcessLeft();
  }

  private Server start(Path workDir, boolean demo) throws IOException {
    int httpPort = freePort();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dpekko.remote.artery.canonical.port=0",
            // the server's own logging, not the tests' capturing configuration
            "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
            Main.class.getName());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("server-" + httpPort + ".log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PIPEWATCH_"));
    builder.environment().put("PIPEWATCH_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("PIPEWATCH_HTTP_INTERFACE", "127.0.0.1");
    builder.environment().put("PIPEWATCH_DEMO", Boolean.toString(demo));
    Process process = builder.start();
    started.add(process);
    return new Server(process, httpPort, workDir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private final class Server {
    private final Process process;
    private final int port;
    private final Path workDir;

    Server(Process process, int port, Path workDir) {
      this.process = process;
      this.port = port;
      this.workDir = workDir;
    }

    JsonNode awaitHealthy() throws Exception {
      long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("server exited with " + process.exitValue() + "; " + logTail());
        }
        try {
          HttpResponse<String> response = get("/api/health");
          last = response.statusCode() + " " + response.body();
          if (response.statusCode() == 200) {
            return JsonSupport.MAPPER.readTree(response.body());
          }
        } catch (IOException notYetListening) {
          last = notYetListening.toString();
        }
        process.waitFor(250, TimeUnit.MILLISECONDS);
      }
      throw new AssertionError("not healthy within " + HEALTHY_WITHIN + ": " + last);
    }

    /**
     * The start history, once it answers: on a first start the journal may still be creating its
     * tables when health turns UP, and the start-history actor retries with backoff meanwhile.
     */
    JsonNode node() throws Exception {
      long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
      HttpResponse<String> response = get("/api/node");
      while (response.statusCode() != 200 && System.nanoTime() < deadline) {
        process.waitFor(250, TimeUnit.MILLISECONDS);
        response = get("/api/node");
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JsonSupport.MAPPER.readTree(response.body());
    }

    void terminateAndAwaitNoProcessLeft() throws Exception {
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      assertThat(tree).as("the embedded Cassandra runs as a child process").isNotEmpty();
      tree.add(process.toHandle());
      long deadline = System.nanoTime() + STOPPED_WITHIN.toNanos();
      process.destroy(); // SIGTERM
      for (ProcessHandle handle : tree) {
        long left = Math.max(0, deadline - System.nanoTime());
        try {
          handle.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillRunning) {
          // asserted below
        }
        assertThat(handle.isAlive())
            .as("pid " + handle.pid() + " still alive " + STOPPED_WITHIN + " after SIGTERM")
            .isFalse();
      }
      assertThat(process.exitValue()).as("exit code after SIGTERM; " + logTail()).isIn(0, 143);
      // Producers still feeding the sharding region while it hands its shards off held the stop
      // for the region's 10 s timeout.
      assertThat(Files.readString(workDir.resolve("server-" + port + ".log")))
          .doesNotContain("Graceful shutdown of shard region timed out");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(workDir.resolve("server-" + port + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
