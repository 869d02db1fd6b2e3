package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.AnalyzerSettings;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.PatternKind;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SourceDirectory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three nodes of one cluster in this JVM, joined over Artery on loopback: nodes "a" and "b" run a
 * source directory, the Collector shard region, a bottleneck board and the HTTP routes of metrics
 * and bottlenecks; node "c" registers a directory and a board that never answer. Every list route
 * answers from either HTTP node with what both real nodes hold, a 200 that names node c in {@code
 * partial} as a timeout; one source's reads go to the node that owns it.
 *
 * <p>The two boards are fed by node-local topics here (not the cluster-wide "bottlenecks" topic),
 * so that each knows what the other does not, as a board that joined late would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogCapturingExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFanOutIT {
  private static final int SOURCES = 12;

  /** One HTTP node of the test cluster. */
  private record Node(
      ActorTestKit kit,
      ActorRef<SourceDirectory.Command> directory,
      ActorRef<ShardingEnvelope<Collector.Command>> region,
      ActorRef<Topic.Command<AnalysisEvent>> topic,
      ServerBinding binding,
      String baseUrl) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> sources = new ArrayList<>();
  private Node a;
  private Node b;
  private ActorTestKit c;
  private String silentNode;

  /**
   * Sharding runs on nodes with the role "collectors" only (a and b): its coordinator writes its
   * state to a majority of the nodes that run sharding, which node c, without sharding, would never
   * acknowledge.
   */
  private static Config config(String roles) {
    return ConfigFactory.parseString(
            """
            # node c's system stops without leaving the cluster: it turns unreachable
            pekko.coordinated-shutdown.run-by-actor-system-terminate = off
            pekko.actor.provider = cluster
            pekko.cluster.roles = [%s]
            pekko.cluster.sharding.role = "collectors"
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.seed-nodes = []
            pekko.actor.testkit.typed.system-shutdown-default = 30s
            pekko.loglevel = INFO
            pipewatch.api.fan-out-timeout = 1s
            """
                .formatted(roles))
        .withFallback(ConfigFactory.load("application-test"))
        .resolve();
  }

  @BeforeAll
  void start() throws Exception {
    ActorTestKit kitA = ActorTestKit.create("FanOut", config("collectors"));
    ActorTestKit kitB = ActorTestKit.create("FanOut", config("collectors"));
    c = ActorTestKit.create("FanOut", config(""));
    Cluster first = Cluster.get(kitA.system());
    for (ActorTestKit kit : List.of(kitA, kitB, c)) {
      Cluster.get(kit.system()).manager().tell(Join.create(first.selfMember().address()));
    }
    kitA.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              for (ActorTestKit kit : List.of(kitA, kitB, c)) {
                assertThat(Cluster.get(kit.system()).state().getMembers())
                    .hasSize(3)
                    .allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
              }
              return null;
            });
    a = node(kitA, "a");
    b = node(kitB, "b");
    // node c: a directory and a board that never answer
    ActorRef<SourceDirectory.Command> deafDirectory =
        c.spawn(Behaviors.ignore(), "deaf-source-directory");
    ActorRef<BottleneckBoard.Command> deafBoard = c.spawn(Behaviors.ignore(), "deaf-board");
    c.system()
        .receptionist()
        .tell(Receptionist.register(SourceDirectory.SERVICE_KEY, deafDirectory));
    c.system().receptionist().tell(Receptionist.register(BottleneckBoard.SERVICE_KEY, deafBoard));
    org.apache.pekko.actor.Address cAddress = Cluster.get(c.system()).selfMember().address();
    silentNode = cAddress.host().get() + ":" + cAddress.port().get();

    List<CompletionStage<Collector.StoreResult>> stored = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < SOURCES; i++) {
      String source = "fan-" + i;
      sources.add(source);
      Collector.Ingest batch =
          new Collector.Ingest(
              source, now, List.of(Sample.gauge("queue_depth", Map.of("stage", "s"), i)));
      stored.add(
          AskPattern.ask(
              a.region(),
              (ActorRef<Collector.StoreResult> replyTo) ->
                  new ShardingEnvelope<>(source, new Collector.Store(batch, "", replyTo)),
              Duration.ofSeconds(20),
              kitA.scheduler()));
    }
    for (CompletionStage<Collector.StoreResult> s : stored) {
      assertThat(s.toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(Collector.Stored.class);
    }
    // every directory knows its sources, and both nodes hold some
    kitA.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              Set<String> all = new TreeSet<>(localSources(a));
              Set<String> onB = localSources(b);
              assertThat(localSources(a)).as("sources on node a").isNotEmpty();
              assertThat(onB).as("sources on node b").isNotEmpty();
              all.addAll(onB);
              assertThat(all).containsExactlyInAnyOrderElementsOf(sources);
              return null;
            });
    // every node sees every directory and board (the receptionist's listing has spread)
    kitA.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              for (Node n : List.of(a, b)) {
                assertThat(listed(n, SourceDirectory.SERVICE_KEY)).isEqualTo(3);
                assertThat(listed(n, BottleneckBoard.SERVICE_KEY)).isEqualTo(3);
              }
              return null;
            });
  }

  private Node node(ActorTestKit kit, String name) throws Exception {
    Config config = kit.system().settings().config();
    CollectorSettings collector = CollectorSettings.create(config);
    ActorRef<SourceDirectory.Command> directory =
        kit.spawn(SourceDirectory.create(collector), "source-directory");
    ActorRef<ShardingEnvelope<Collector.Command>> region =
        Collector.init(kit.system(), collector, directory, null);
    ActorRef<Topic.Command<AnalysisEvent>> topic =
        kit.spawn(Topic.create(AnalysisEvent.class, "board-of-" + name), "topic-" + name);
    AnalyzerSettings analyzer = AnalyzerSettings.create(config);
    ActorRef<BottleneckBoard.Command> board =
        kit.spawn(BottleneckBoard.create(analyzer, topic), "bottleneck-board");
    ApiSettings api = ApiSettings.create(config);
    TopLevelActors actors =
        new TopLevelActors(null, directory, region, null, null, null, null, Optional.empty(), null);
    ServerBinding binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                handleRejections(
                    ErrorHandling.rejections(),
                    () ->
                        concat(
                            new MetricsRoutes(kit.system(), actors, api).route(),
                            new BottleneckRoutes(
                                    kit.system(), board, api, analyzer.boardRecentPatterns())
                                .route())))
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    return new Node(
        kit,
        directory,
        region,
        topic,
        binding,
        "http://127.0.0.1:" + binding.localAddress().getPort());
  }

  private Set<String> localSources(Node n) {
    TestProbe<SourceDirectory.SourceList> probe = n.kit().createTestProbe();
    n.directory().tell(new SourceDirectory.ListSources(probe.getRef()));
    Set<String> ids = new TreeSet<>();
    probe.receiveMessage().sources().forEach(s -> ids.add(s.sourceId()));
    return ids;
  }

  private int listed(Node n, org.apache.pekko.actor.typed.receptionist.ServiceKey<?> key) {
    TestProbe<Receptionist.Listing> probe = n.kit().createTestProbe();
    n.kit().system().receptionist().tell(Receptionist.find(key, probe.getRef()));
    return probe.receiveMessage().getServiceInstances(key).size();
  }

  @AfterAll
  void stop() {
    for (Node n : List.of(b, a)) {
      if (n != null) {
        n.binding().unbind();
        n.kit().shutdownTestKit();
      }
    }
    if (c != null) {
      c.shutdownTestKit();
    }
  }

  private HttpResponse<String> get(Node n, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(n.baseUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(Node n, String path) throws Exception {
    HttpResponse<String> response = get(n, path);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return RunningServer.json(response);
  }

  private void assertPartialIsTheSilentNode(JsonNode answer) {
    assertPartial(answer, "timeout");
  }

  private void assertPartial(JsonNode answer, String reason) {
    assertThat(answer.path("partial")).hasSize(1);
    assertThat(answer.path("partial").get(0).path("node").asText()).isEqualTo(silentNode);
    assertThat(answer.path("partial").get(0).path("reason").asText()).isEqualTo(reason);
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.path(field).asText()));
    return out;
  }

  @Test
  void anyNodeListsEverySourceAndNamesTheNodeThatDidNotAnswer() throws Exception {
    for (Node n : List.of(a, b)) {
      JsonNode answer = ok(n, "/api/sources");
      assertThat(texts(answer.path("sources"), "sourceId"))
          .containsExactlyElementsOf(new TreeSet<>(sources));
      assertPartialIsTheSilentNode(answer);
    }
  }

  @Test
  void anyNodeAnswersTheLatestValuesOfEverySource() throws Exception {
    for (Node n : List.of(a, b)) {
      JsonNode answer = ok(n, "/api/metrics?prefix=queue_depth");
      assertThat(new TreeSet<>(texts(answer.path("metrics"), "source")))
          .containsExactlyElementsOf(new TreeSet<>(sources));
      assertThat(answer.path("unanswered")).isEmpty();
      assertPartialIsTheSilentNode(answer);
    }
  }

  @Test
  void oneSourceIsAskedOfItsOwnerWhereverItLives() throws Exception {
    String onB = localSources(b).iterator().next();
    JsonNode answer = ok(a, "/api/metrics?source=" + onB);
    assertThat(answer.path("metrics")).hasSize(1);
    JsonNode metric = answer.path("metrics").get(0);
    assertThat(metric.path("source").asText()).isEqualTo(onB);
    assertThat(metric.path("value").asDouble()).isEqualTo(Double.parseDouble(onB.substring(4)));
    assertThat(answer.path("partial")).as("no fan-out for one source").isEmpty();

    String series = metric.path("series").asText();
    JsonNode history =
        ok(
            a,
            "/api/metrics/"
                + URLEncoder.encode(onB, StandardCharsets.UTF_8)
                + "/"
                + URLEncoder.encode(series, StandardCharsets.UTF_8)
                + "?range=5m");
    assertThat(history.path("source").asText()).isEqualTo(onB);
    assertThat(history.path("values")).hasSize(1);
    assertThat(history.path("values").get(0).asDouble()).isEqualTo(metric.path("value").asDouble());

    HttpResponse<String> unknownSeries = get(a, "/api/metrics/" + onB + "/no_such_series");
    assertThat(unknownSeries.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(unknownSeries).path("field").asText()).isEqualTo("series");
    HttpResponse<String> unknownSource =
        get(a, "/api/metrics/nobody-here/" + URLEncoder.encode(series, StandardCharsets.UTF_8));
    assertThat(unknownSource.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(unknownSource).path("field").asText()).isEqualTo("source");
    assertThat(ok(a, "/api/metrics?source=nobody-here").path("metrics")).isEmpty();
  }

  private static Bottleneck bottleneck(String id, String source, double impact, long resolved) {
    return new Bottleneck(
        id,
        source,
        BottleneckKind.CPU,
        Severity.WARNING,
        impact,
        0.8,
        List.of(),
        1_000,
        2_000,
        resolved,
        -1);
  }

  @Test
  void bottlenecksAndPatternsOfEveryBoardMerge() throws Exception {
    a.topic()
        .tell(
            Topic.publish(
                new BottleneckAnalyzer.BottleneckDetected(bottleneck("on-a", "svc-a", 0.9, 0))));
    a.topic()
        .tell(
            Topic.publish(
                new BottleneckAnalyzer.BottleneckDetected(bottleneck("missed", "svc-a", 0.7, 0))));
    b.topic()
        .tell(
            Topic.publish(
                new BottleneckAnalyzer.BottleneckDetected(bottleneck("on-b", "svc-b", 0.5, 0))));
    // board b saw "missed" resolve, board a did not
    b.topic()
        .tell(
            Topic.publish(
                new BottleneckAnalyzer.BottleneckResolved(
                    bottleneck("missed", "svc-a", 0.7, 3_000))));
    b.topic()
        .tell(
            Topic.publish(
                new FleetAnalyzer.PatternDetected(
                    new FailurePattern(
                        "pattern-on-b",
                        PatternKind.CASCADING_FAILURE,
                        0.8,
                        List.of("svc-a", "svc-b"),
                        "one after another",
                        1_000,
                        1_000,
                        0))));
    TestProbe<Object> probe = a.kit().createTestProbe();
    for (Node n : List.of(a, b)) {
      probe.awaitAssert(
          Duration.ofSeconds(15),
          () -> {
            JsonNode answer = ok(n, "/api/bottlenecks");
            assertThat(texts(answer.path("bottlenecks"), "id")).containsExactly("on-a", "on-b");
            assertPartialIsTheSilentNode(answer);
            JsonNode patterns = ok(n, "/api/patterns");
            assertThat(texts(patterns.path("active"), "id")).containsExactly("pattern-on-b");
            assertPartialIsTheSilentNode(patterns);
            return null;
          });
    }
    assertThat(texts(ok(a, "/api/bottlenecks?source=svc-b").path("bottlenecks"), "id"))
        .containsExactly("on-b");
  }

  /**
   * Runs last: node c's system stops without leaving, so the others mark it unreachable (the
   * split-brain resolver downs it only after {@code stable-after}, 20 s); meanwhile it is named
   * {@code unreachable} at once, without waiting for the fan-out deadline.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void anUnreachableNodeIsNamedWithoutWaitingForIt() throws Exception {
    c.system().terminate();
    c.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    TestProbe<Object> probe = a.kit().createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          for (Node n : List.of(a, b)) {
            JsonNode sourcesAnswer = ok(n, "/api/sources");
            assertPartial(sourcesAnswer, "unreachable");
            assertThat(sourcesAnswer.path("sources")).hasSize(SOURCES);
            assertPartial(ok(n, "/api/bottlenecks"), "unreachable");
          }
          return null;
        });
  }
}
