package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.persistence.JournalHealthCheck;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A whole node in the test JVM: the real {@link Guardian} with the test Cassandra as its journal,
 * HTTP on a free port, driven with a real HTTP client.
 */
final class RunningServer implements AutoCloseable {
  final ActorTestKit kit;
  final ActorRef<Guardian.Command> guardian;
  final String baseUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningServer(ActorTestKit kit, ActorRef<Guardian.Command> guardian, String baseUrl) {
    this.kit = kit;
    this.guardian = guardian;
    this.baseUrl = baseUrl;
  }

  /** A node on a free port; {@code %PORT%} in {@code extraConfig} stands for that port. */
  static RunningServer start(String name, String extraConfig) {
    return start(name, extraConfig, TestCassandra.get().pekkoConfig());
  }

  /**
   * A journal in memory and snapshots under {@code target/<snapshotDir>}, for a node whose test
   * does not need Cassandra (as {@code journalConfig} of {@link #start(String, String, Config)}).
   */
  static Config inMemoryJournal(String snapshotDir) {
    return ConfigFactory.parseString(
        """
        pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
        pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
        pekko.persistence.snapshot-store.local.dir = "target/%s"
        """
            .formatted(snapshotDir));
  }

  /** As {@link #start(String, String)}, with the journal configured by {@code journalConfig}. */
  static RunningServer start(String name, String extraConfig, Config journalConfig) {
    int port = freePort();
    extraConfig = extraConfig.replace("%PORT%", Integer.toString(port));
    Config config =
        ConfigFactory.parseString(
                """
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.port = 0
                pipewatch.api.http.interface = "127.0.0.1"
                pipewatch.api.http.port = %d
                pipewatch.api.node-id = %s
                pipewatch.simulator.demo.enabled = false
                pekko.actor.testkit.typed.system-shutdown-default = 30s
                """
                        .formatted(port, name)
                    + extraConfig)
            .withFallback(journalConfig)
            .withFallback(ConfigFactory.load("application-test"))
            .resolve();
    ServerSettings settings = ServerSettings.create(config);
    ActorTestKit kit = ActorTestKit.create(name, config);
    ServerContext context =
        new ServerContext(
            settings,
            system ->
                JournalHealthCheck.create(system, settings.persistence().healthCheckTimeout())
                    ::check);
    ActorRef<Guardian.Command> guardian = kit.spawn(Guardian.create(context), "guardian");
    TestProbe<Guardian.ActorsStatus> probe = kit.createTestProbe();
    String binding =
        probe.awaitAssert(
            Duration.ofSeconds(120),
            () -> {
              guardian.tell(new Guardian.GetActorsStatus(probe.getRef()));
              Guardian.ActorsStatus status = probe.receiveMessage();
              assertThat(status.httpBinding()).isNotNull();
              return status.httpBinding();
            });
    return new RunningServer(kit, guardian, "http://" + binding);
  }

  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JsonSupport.MAPPER.readTree(response.body());
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
