package io.pipewatch.api;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One Pipewatch server as a user runs it: {@link Main} in a JVM of its own (the test's class path),
 * its output in {@code <workDir>/<name>.log}, HTTP and Pekko Management on free loopback ports, no
 * {@code PIPEWATCH_*} variable inherited from the test's environment. Shared by the tests that need
 * real server processes (one node, a cluster); {@link #close()} kills what is left, children too.
 *
 * <pre>{@code
 * try (ServerProcess node = ServerProcess.start(dir, "node-1", Map.of("PIPEWATCH_DEMO", "false"))) {
 *   node.awaitHealthy(Duration.ofSeconds(180));
 * }
 * }</pre>
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int httpPort;
  final int managementPort;
  final Process process;
  final Path log;
  final long startedNanos;

  private ServerProcess(
      String name, int httpPort, int managementPort, Process process, Path log, long started) {
    this.name = name;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.process = process;
    this.log = log;
    this.startedNanos = started;
  }

  /** Starts a node on free HTTP and management ports; {@code env} adds or overrides variables. */
  static ServerProcess start(Path workDir, String name, Map<String, String> env)
      throws IOException {
    return start(workDir, name, freePort(), freePort(), env, List.of());
  }

  /**
   * Starts a node on the given ports (a cluster's contact points name management ports before the
   * nodes start); {@code jvmArgs} go before the main class.
   */
  static ServerProcess start(
      Path workDir,
      String name,
      int httpPort,
      int managementPort,
      Map<String, String> env,
      List<String> jvmArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add("-Dpekko.remote.artery.canonical.port=0");
    // the server's own logging, not the tests' capturing configuration
    command.add("-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"));
    command.addAll(jvmArgs);
    command.add(Main.class.getName());
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("PIPEWATCH_"));
    builder.environment().put("PIPEWATCH_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("PIPEWATCH_HTTP_INTERFACE", "127.0.0.1");
    builder.environment().put("PIPEWATCH_MANAGEMENT_PORT", Integer.toString(managementPort));
    builder.environment().put("PIPEWATCH_MANAGEMENT_INTERFACE", "127.0.0.1");
    builder.environment().put("PIPEWATCH_NODE_ID", name);
    builder.environment().putAll(env);
    long started = System.nanoTime();
    return new ServerProcess(name, httpPort, managementPort, builder.start(), log, started);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits until {@code GET /api/health} answers 200 and returns it. */
  JsonNode awaitHealthy(Duration within) throws Exception {
    return awaitHealth(200, within);
  }

  /** Waits until {@code GET /api/health} answers {@code status} and returns its body. */
  JsonNode awaitHealth(int status, Duration within) throws Exception {
    return awaitHealthWhere(status, health -> true, within);
  }

  /**
   * Waits until {@code GET /api/health} answers {@code status} (any if negative) with a body that
   * satisfies {@code condition}, and returns that body.
   */
  JsonNode awaitHealthWhere(int status, Predicate<JsonNode> condition, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      assertAlive();
      try {
        HttpResponse<String> response = get("/api/health");
        last = response.statusCode() + " " + response.body();
        JsonNode body = JsonSupport.MAPPER.readTree(response.body());
        if ((status < 0 || response.statusCode() == status) && condition.test(body)) {
          return body;
        }
      } catch (IOException notYetListening) {
        last = notYetListening.toString();
      }
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError(
        name
            + ": health not as expected within "
            + within
            + ": "
            + last
            + "; log:\n"
            + logTail(40));
  }

  private void assertAlive() {
    if (!process.isAlive()) {
      throw new AssertionError(
          name + " exited with " + process.exitValue() + "; log:\n" + logTail(40));
    }
  }

  /** Waits until Pekko Management's {@code GET /ready} answers 200. */
  void awaitReady(Duration within) throws Exception {
    awaitStatus("/ready", managementPort, within);
  }

  private String awaitStatus(String path, int port, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      assertAlive();
      try {
        HttpResponse<String> response = get(port, path);
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200) {
          return response.body();
        }
      } catch (IOException notYetListening) {
        last = notYetListening.toString();
      }
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError(
        name + ": " + path + " not 200 within " + within + ": " + last + "; log:\n" + logTail(40));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(httpPort, path);
  }

  HttpResponse<String> getManagement(String path) throws IOException, InterruptedException {
    return get(managementPort, path);
  }

  HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs {@code json} without waiting; completes with the status code (-1 on no answer). */
  java.util.concurrent.CompletableFuture<Integer> postAsync(String path, String json) {
    return HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode)
        .exceptionally(failure -> -1);
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** SIGKILL: the node vanishes without leaving the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The server's process and its children (an embedded Cassandra) as they are now. */
  List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    return tree;
  }

  /** The directory the server runs in: its {@code ./data}, its log. */
  Path workDir() {
    return log.getParent();
  }

  /**
   * SIGTERM, then waits for the process and its children to exit within {@code within}; returns the
   * exit code. Fails if anything is still running then.
   */
  int terminate(Duration within) throws Exception {
    List<ProcessHandle> tree = tree();
    long deadline = System.nanoTime() + within.toNanos();
    process.destroy();
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException stillRunning) {
        throw new AssertionError(
            name + ": pid " + handle.pid() + " still alive " + within + " after SIGTERM");
      }
    }
    return process.exitValue();
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
