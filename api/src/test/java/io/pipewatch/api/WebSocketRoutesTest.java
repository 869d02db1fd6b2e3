package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.AnalysisTopic;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.Alert;
import io.pipewatch.analyzer.alert.AlertChange;
import io.pipewatch.analyzer.alert.AlertStatus;
import io.pipewatch.analyzer.alert.AlertTopic;
import io.pipewatch.analyzer.alert.Notification;
import io.pipewatch.optimizer.OptimizationNotice;
import io.pipewatch.optimizer.OptimizationTopic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /ws} on a real HTTP server with real WebSocket clients (java.net.http) and the real
 * pub-sub topics of the node: Welcome, subscribe and filter, a bad subscribe answered with Error on
 * a connection that stays open, resume after a reconnect (and a gap when the id is too old), and a
 * client that never reads closed while a reading one keeps its updates on time.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final int REPLAY = 100;

  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  """
                  pekko.http.server.socket-options.so-send-buffer-size = 8k
                  pekko.scheduler.tick-duration = 1ms
                  """)
              .withFallback(ConfigFactory.load("application-test")));

  private final HttpClient http = HttpClient.newHttpClient();
  private ServerBinding binding;
  private String wsUrl;
  private LiveMetrics metrics;

  @BeforeAll
  void start() throws Exception {
    WebSocketSettings defaults = WebSocketSettings.create(ConfigFactory.load());
    WebSocketSettings settings =
        new WebSocketSettings(
            Duration.ofMillis(250),
            Duration.ofMillis(50),
            Duration.ofMillis(10),
            REPLAY,
            16,
            Duration.ofSeconds(1),
            defaults.figures());
    var system = testKit.system();
    metrics = LiveMetrics.get(system);
    DashboardFigures.State state =
        new DashboardFigures.State(
            System.currentTimeMillis(),
            List.of(
                new DashboardFigures.SourceFigures(
                    "docpipe-embed", 812.5, 4.1, 37.0, 12L, 0.83, 123456789L),
                new DashboardFigures.SourceFigures(
                    "docpipe-parse", null, null, null, null, null, null)),
            2,
            1);
    ActorRef<LiveHub.Command> hub =
        testKit.spawn(
            LiveHub.create(
                settings,
                "test-node",
                () -> CompletableFuture.completedFuture(state),
                AnalysisTopic.get(system),
                AlertTopic.get(system),
                OptimizationTopic.get(system),
                metrics),
            "hub");
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new WebSocketRoutes(system, hub, settings).route())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    wsUrl = "ws://127.0.0.1:" + binding.localAddress().getPort() + "/ws";
  }

  @AfterAll
  void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A client that reads everything and hands each whole text message to a probe. */
  private final class Client implements WebSocket.Listener {
    final TestProbe<String> probe = testKit.createTestProbe();
    final List<Long> updateArrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket;

    Client open() throws Exception {
      socket =
          http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), this).get(10, TimeUnit.SECONDS);
      return this;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (text.startsWith("{\"type\":\"DashboardUpdate\"")) {
          updateArrivals.add(System.nanoTime());
        }
        probe.getRef().tell(text);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /** The next message of {@code type}, skipping others (DashboardUpdates arrive all the time). */
    JsonNode next(String type) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode m = json(probe.receiveMessage(WAIT));
        if (m.get("type").asText().equals(type)) {
          return m;
        }
      }
      throw new AssertionError("no " + type + " within " + WAIT);
    }

    /**
     * Subscribes to {@code types} of {@code sources} plus DashboardUpdates every 5 s, and waits for
     * the first such update: from then on the hub has the subscription (an event published earlier
     * could have reached the hub before it).
     */
    void subscribeSynced(String sources, String types) throws Exception {
      send(
          "{\"subscribe\":{\"sources\":"
              + sources
              + ",\"types\":"
              + types.replace("]", ",\"DashboardUpdate\"]")
              + ",\"interval\":\"5s\"}}");
      while (next("DashboardUpdate").get("intervalMs").asLong() != 5000) {
        // an update of the previous subscription
      }
    }

    void close() {
      socket.abort();
    }
  }

  private static JsonNode json(String text) {
    try {
      return JsonSupport.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void publish(String source, String reason) {
    OptimizationTopic.get(testKit.system())
        .tell(
            Topic.publish(
                new OptimizationNotice(
                    source,
                    source + "#1",
                    "concurrency-search",
                    "concurrency",
                    64,
                    48,
                    OptimizationNotice.Step.ROLLED_BACK,
                    null,
                    reason,
                    Double.NaN,
                    System.currentTimeMillis())));
  }

  @Test
  void welcomeFirstThenNothingUntilSubscribed() throws Exception {
    Client c = new Client().open();
    JsonNode welcome = json(c.probe.receiveMessage(WAIT));
    assertThat(welcome.get("type").asText()).isEqualTo("Welcome");
    assertThat(welcome.get("node").asText()).isEqualTo("test-node");
    assertThat(welcome.has("lastEventId")).isTrue();
    c.probe.expectNoMessage(Duration.ofMillis(400));
    c.close();
  }

  @Test
  void subscriptionFiltersBySourceAndType() throws Exception {
    Client c = new Client().open();
    c.next("Welcome");
    c.send(
        """
        {"subscribe":{"sources":["docpipe-embed"],"types":["DashboardUpdate","Optimization"],"interval":"100ms"}}""");
    JsonNode update = c.next("DashboardUpdate");
    assertThat(update.get("intervalMs").asLong()).isEqualTo(100);
    assertThat(update.get("activeBottlenecks").asInt()).isEqualTo(2);
    assertThat(update.get("firingAlerts").asInt()).isEqualTo(1);
    assertThat(update.get("sources")).hasSize(1);
    JsonNode embed = update.get("sources").get(0);
    assertThat(embed.get("source").asText()).isEqualTo("docpipe-embed");
    assertThat(embed.get("throughput").asDouble()).isEqualTo(812.5);
    assertThat(embed.get("memoryBytes").asLong()).isEqualTo(123456789L);

    publish("docpipe-parse", "not for this client");
    publish("docpipe-embed", "for this client");
    JsonNode event = c.next("Optimization");
    assertThat(event.get("source").asText()).isEqualTo("docpipe-embed");
    assertThat(event.get("step").asText()).isEqualTo("rolledBack");
    assertThat(event.get("detail").get("reason").asText()).isEqualTo("for this client");
    assertThat(event.get("id").asText()).matches("\\d+");

    // a new subscribe replaces the old one: all sources now
    c.subscribeSynced("[]", "[\"Optimization\"]");
    publish("docpipe-parse", "now wanted");
    JsonNode parse = c.next("Optimization");
    assertThat(parse.get("source").asText()).isEqualTo("docpipe-parse");
    c.close();
  }

  private static Alert alert(String id, String source, AlertStatus status) {
    long now = System.currentTimeMillis();
    return new Alert(
        id,
        source + "/cpu/rule",
        Severity.CRITICAL,
        "CPU saturated on " + source,
        "cpu at 99%",
        Map.of("source", source, "kind", "cpu"),
        List.of(),
        List.of(source),
        now,
        0,
        now,
        status,
        List.of(new Alert.Transition(status, now, "ana", null)),
        status == AlertStatus.ACKNOWLEDGED ? new Alert.Acknowledgement("ana", "mine", now) : null,
        List.of(),
        0,
        false,
        2);
  }

  @Test
  void alertEventsAreTheRoutersLifecycleChangesNotChannelNotifications() throws Exception {
    Client c = new Client().open();
    c.next("Welcome");
    c.subscribeSynced("[\"svc-ws\"]", "[\"Alert\"]");
    var topic = AlertTopic.get(testKit.system());
    // a dashboard channel's notification tells again what the router published: not an event
    topic.tell(
        Topic.publish(
            new Notification(
                "n-1",
                "dashboard",
                Notification.Kind.FIRING,
                "g",
                List.of(alert("a-notified", "svc-ws", AlertStatus.FIRING)),
                1,
                1,
                0,
                List.of())));
    topic.tell(
        Topic.publish(
            new AlertChange(
                AlertChange.Step.ACKNOWLEDGED,
                alert("a-acked", "svc-ws", AlertStatus.ACKNOWLEDGED))));
    JsonNode event = c.next("Alert");
    assertThat(event.get("event").asText()).isEqualTo("acknowledged");
    assertThat(event.get("alert").get("id").asText()).isEqualTo("a-acked");
    assertThat(event.get("alert").get("status").asText()).isEqualTo("acknowledged");
    assertThat(event.get("alert").get("acknowledgement").get("by").asText()).isEqualTo("ana");
    c.close();
  }

  @Test
  void badSubscribeAnswersErrorAndTheConnectionStaysOpen() throws Exception {
    Client c = new Client().open();
    c.next("Welcome");
    c.send("{\"subscribe\":{\"interval\":\"20ms\"}}");
    JsonNode error = c.next("Error");
    assertThat(error.get("error").asText()).isEqualTo("bad_request");
    assertThat(error.get("field").asText()).isEqualTo("interval");
    assertThat(error.get("detail").asText()).contains("100ms to 5s");

    c.send("{\"subscribe\":{\"typs\":[\"Alert\"]}}");
    assertThat(c.next("Error").get("field").asText()).isEqualTo("typs");
    c.send("{\"subscribe\":{\"types\":[\"Nope\"]}}");
    assertThat(c.next("Error").get("field").asText()).isEqualTo("types");
    c.send("not json");
    assertThat(c.next("Error").get("error").asText()).isEqualTo("bad_request");

    c.send("{\"subscribe\":{\"types\":[\"DashboardUpdate\"],\"interval\":\"100ms\"}}");
    assertThat(c.next("DashboardUpdate").get("intervalMs").asLong()).isEqualTo(100);
    assertThat(c.closed).isNotDone();
    c.close();
  }

  @Test
  void resumeAfterReconnectReplaysMissedEvents() throws Exception {
    Client first = new Client().open();
    first.next("Welcome");
    first.subscribeSynced("[\"resume-src\"]", "[\"Optimization\"]");
    publish("resume-src", "seen");
    String seenId = first.next("Optimization").get("id").asText();
    first.close();

    // wait until the hub has seen the client go, then publish what it misses
    Client watcher = new Client().open();
    watcher.next("Welcome");
    watcher.subscribeSynced("[]", "[\"Optimization\"]");
    publish("resume-src", "missed-1");
    publish("resume-src", "missed-2");
    watcher.next("Optimization");
    watcher.next("Optimization");

    Client second = new Client().open();
    JsonNode welcome = second.next("Welcome");
    assertThat(welcome.get("lastEventId").isNull()).isFalse();
    second.send(
        "{\"subscribe\":{\"sources\":[\"resume-src\"],\"types\":[\"Optimization\"]},\"resumeFrom\":\""
            + seenId
            + "\"}");
    JsonNode m1 = second.next("Optimization");
    JsonNode m2 = second.next("Optimization");
    assertThat(m1.get("detail").get("reason").asText()).isEqualTo("missed-1");
    assertThat(m2.get("detail").get("reason").asText()).isEqualTo("missed-2");
    assertThat(Long.parseLong(m2.get("id").asText()))
        .isGreaterThan(Long.parseLong(m1.get("id").asText()))
        .isGreaterThan(Long.parseLong(seenId));

    // an id older than the replay buffer: ResumeGap first, then what the buffer holds
    for (int i = 0; i < REPLAY + 5; i++) {
      publish("gap-src", "filler-" + i);
    }
    // the hub has them all once the watcher (all sources) got the last
    while (!watcher
        .next("Optimization")
        .get("detail")
        .get("reason")
        .asText()
        .equals("filler-" + (REPLAY + 4))) {
      // skip earlier ones
    }
    Client third = new Client().open();
    third.next("Welcome");
    third.send(
        "{\"subscribe\":{\"sources\":[\"resume-src\"],\"types\":[\"Optimization\"]},\"resumeFrom\":\""
            + seenId
            + "\"}");
    JsonNode gap = json(third.probe.receiveMessage(WAIT));
    assertThat(gap.get("type").asText()).isEqualTo("ResumeGap");
    assertThat(gap.get("from").asText()).matches("\\d+");
    first.close();
    second.close();
    third.close();
    watcher.close();
  }

  @Test
  void aClientThatNeverReadsIsClosedWhileAReadingOneKeepsItsUpdatesOnTime() throws Exception {
    long closedBefore = metrics.disconnects("stuck");
    // the stuck client: never asks for a message after the first
    TestProbe<String> stuckWelcome = testKit.createTestProbe();
    TestProbe<String> stuckClosed = testKit.createTestProbe();
    java.util.concurrent.atomic.AtomicBoolean welcomed =
        new java.util.concurrent.atomic.AtomicBoolean();
    WebSocket stuck =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(wsUrl),
                new WebSocket.Listener() {
                  @Override
                  public void onOpen(WebSocket ws) {
                    ws.request(1);
                  }

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (!welcomed.getAndSet(true)) {
                      stuckWelcome.getRef().tell(data.toString());
                    }
                    return null; // and never request more (until told below)
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    stuckClosed.getRef().tell(code + " " + reason);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    stuckWelcome.receiveMessage(WAIT);
    stuck.sendText("{\"subscribe\":{\"interval\":\"100ms\"}}", true).get(5, TimeUnit.SECONDS);

    Client reader = new Client().open();
    reader.next("Welcome");
    reader.send(
        "{\"subscribe\":{\"sources\":[\"docpipe-embed\"],"
            + "\"types\":[\"DashboardUpdate\",\"Optimization\"],\"interval\":\"100ms\"}}");
    reader.next("DashboardUpdate");

    // a flood for the client that does not read (64 KiB events: its socket fills up at once)
    long floodStart = System.nanoTime();
    String big = "x".repeat(64 * 1024);
    for (int i = 0; i < 60; i++) {
      publish("flood", big);
    }
    // the stuck client is closed: its queue stood still past the stuck timeout
    reader.probe.awaitAssert(
        WAIT,
        () -> {
          assertThat(metrics.disconnects("stuck")).isGreaterThan(closedBefore);
          return null;
        });
    // reading again, it finds the close frame behind what it had not read: 1008 and the reason
    stuck.request(Long.MAX_VALUE);
    assertThat(stuckClosed.receiveMessage(WAIT)).isEqualTo("1008 stuck");
    // ... while the reader's events and updates kept coming
    publish("docpipe-embed", "after the flood");
    assertThat(reader.next("Optimization").get("detail").get("reason").asText())
        .isEqualTo("after the flood");
    reader.probe.awaitAssert(
        WAIT,
        () -> {
          assertThat(reader.updateArrivals.stream().filter(t -> t > floodStart).count())
              .isGreaterThanOrEqualTo(15);
          return null;
        });
    List<Long> arrivals =
        reader.updateArrivals.stream().filter(t -> t > floodStart).sorted().toList();
    List<Long> gapsMs = new ArrayList<>();
    for (int i = 1; i < arrivals.size(); i++) {
      gapsMs.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
    }
    // every 100 ms, with slack for a shared, loaded 2-core machine
    assertThat(gapsMs).allSatisfy(gap -> assertThat(gap).isLessThan(INTERVAL.toMillis() + 400));
    double mean = gapsMs.stream().mapToLong(Long::longValue).average().orElseThrow();
    assertThat(mean).isBetween(60.0, 180.0);
    reader.close();
    stuck.abort();
  }

  @Test
  void countersDescribeTheFeed() throws Exception {
    Client c = new Client().open();
    c.next("Welcome");
    assertThat(metrics.clients()).isGreaterThanOrEqualTo(1);
    assertThat(metrics.sentCount("Welcome")).isGreaterThanOrEqualTo(1);
    String text = exposition();
    assertThat(text)
        .contains("pipewatch_websocket_clients ")
        .contains("pipewatch_websocket_messages_sent_total{type=\"Welcome\"}")
        .contains("pipewatch_websocket_dropped_updates_total ");
    c.close();
  }

  private String exposition() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
        .write(out, new io.prometheus.metrics.model.snapshots.MetricSnapshots(metrics.snapshots()));
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
