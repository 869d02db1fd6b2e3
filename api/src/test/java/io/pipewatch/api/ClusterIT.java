package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three server processes ({@link ServerProcess}: real JVMs, real Artery on loopback, Cluster
 * Bootstrap with discovery {@code config}) sharing the test Cassandra form one cluster, while a
 * feeder posts a batch for each of 30 sources every second to the live nodes in turn and an
 * operator flips each source's optimizer mode (each flip an event in the journal, acknowledged by
 * its 2xx) and raises test alerts that a real webhook receiver counts by {@code Idempotency-Key}.
 * Then: {@code kill -9} of the oldest node (it hosts the singletons) — its shards come back on the
 * survivors within 10 s of the split-brain resolver's decision, no acknowledged optimizer event or
 * alert is lost, and the alert router singleton fails over without notifying any alert under a
 * second notification id with the same content (a repeat under the same {@code Idempotency-Key} is
 * counted), and {@code /ws} clients on the survivors keep receiving; the killed node restarts and
 * rejoins; a graceful leave (SIGTERM) hands its shards over, again losing nothing acknowledged.
 * Timings are printed ({@code CLUSTER-TIMING}) and written to {@code target/cluster-timings.txt}
 * for docs/benchmarks.md, not asserted beyond generous bounds. The split-brain resolver runs with
 * the server's own setting ({@code stable-after = 7s}, which is also the margin before a downed
 * node's shards move).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final int NODES = 3;
  private static final int SOURCES = 30;
  private static final Duration FORMED_WITHIN = Duration.ofSeconds(240);
  private static final Duration CONVERGED_WITHIN = Duration.ofSeconds(30);
  private static final Duration BACK_AFTER_DECISION = Duration.ofSeconds(10);

  private final ServerProcess[] nodes = new ServerProcess[NODES];
  private final int[] httpPorts = new int[NODES];
  private final int[] managementPorts = new int[NODES];
  private final List<String> timings = new CopyOnWriteArrayList<>();
  private final Map<String, String> lastAckedMode = new ConcurrentHashMap<>();
  private final Map<String, Integer> ackedFlips = new ConcurrentHashMap<>();
  private final AtomicBoolean feeding = new AtomicBoolean();
  private final AtomicLong fed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final List<Thread> feeders = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> notificationsByKey = new ConcurrentHashMap<>();
  private final Map<String, String> signatureByKey = new ConcurrentHashMap<>();
  private final List<String> createdAlerts = new CopyOnWriteArrayList<>();
  private HttpServer webhook;
  private Path workDir;
  private String keyspaceSuffix;
  private String cassandra;

  @BeforeAll
  void startThreeNodes() throws Exception {
    workDir = Files.createTempDirectory(Path.of("target"), "cluster-it");
    cassandra = TestCassandra.get().contactPoint().toString();
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String key = String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
          notificationsByKey.merge(key, 1, Integer::sum);
          try {
            JsonNode notification = JsonSupport.MAPPER.readTree(body);
            Set<String> alerts = new TreeSet<>();
            for (JsonNode alert : notification.path("alerts")) {
              alerts.add(alert.path("id").asText());
            }
            signatureByKey.put(key, notification.path("kind").asText() + " " + alerts);
          } catch (IOException unreadable) {
            signatureByKey.put(key, "unreadable body");
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.start();
    keyspaceSuffix = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    for (int i = 0; i < NODES; i++) {
      httpPorts[i] = ServerProcess.freePort();
      managementPorts[i] = ServerProcess.freePort();
    }
    long start = System.nanoTime();
    for (int i = 0; i < NODES; i++) {
      nodes[i] = startNode(i);
    }
    for (ServerProcess node : nodes) {
      node.awaitReady(FORMED_WITHIN);
    }
    timing("formation: launch of 3 JVMs to all /ready 200", start);
  }

  @AfterAll
  void stopEverything() throws Exception {
    feeding.set(false);
    for (Thread feeder : feeders) {
      feeder.join(15_000);
    }
    for (ServerProcess node : nodes) {
      if (node != null && node.process.isAlive()) {
        try {
          node.terminate(Duration.ofSeconds(30));
        } catch (AssertionError stuck) {
          node.close();
        }
      }
    }
    if (webhook != null) {
      webhook.stop(0);
    }
    timings.add(0, "load: " + loadAverage());
    Files.write(Path.of("target", "cluster-timings.txt"), timings);
  }

  @Test
  @Order(1)
  void threeNodesFormOneClusterAndAreReady() throws Exception {
    // /ready is 200 once a node itself is Up; the others learn of that by gossip a moment later
    long ready = System.nanoTime();
    for (ServerProcess node : nodes) {
      awaitTrue(
          CONVERGED_WITHIN,
          () -> seesAllUp(node),
          node.name + " sees three Up members and none unreachable");
    }
    timing("all /ready 200 to every node seeing three Up members (gossip convergence)", ready);
    for (ServerProcess node : nodes) {
      JsonNode members = members(node);
      assertThat(members.path("members"))
          .as(node.name + " sees three Up members: " + members)
          .hasSize(NODES)
          .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("Up"));
      assertThat(members.path("unreachable")).isEmpty();
      assertThat(node.getManagement("/alive").statusCode()).isEqualTo(200);
      assertThat(node.getManagement("/ready").statusCode()).isEqualTo(200);
      assertThat(node.get("/api/health").statusCode()).isEqualTo(200);
    }
    Set<String> leaders = new TreeSet<>();
    for (ServerProcess node : nodes) {
      leaders.add(members(node).path("oldest").asText());
    }
    assertThat(leaders).as("every node names the same oldest member").hasSize(1);
  }

  @Test
  @Order(2)
  void theDemoPipelineRunsOncePerCluster() throws Exception {
    HttpResponse<String> injected =
        nodes[1].send(
            "POST",
            "/api/simulator/faults",
            "{\"kind\":\"slow-ipc\",\"stage\":\"embed\",\"duration\":\"10m\"}");
    assertThat(injected.statusCode()).as(injected.body()).isBetween(200, 299);
    for (ServerProcess node : nodes) {
      JsonNode faults = json(node.get("/api/simulator/faults"));
      assertThat(faults.path("all"))
          .as(node.name + " reaches the one demo pipeline, which holds the fault: " + faults)
          .hasSize(1);
    }
  }

  @Test
  @Order(3)
  void everySourceLivesOnExactlyOneNode() throws Exception {
    startFeeding();
    awaitTrue(
        Duration.ofSeconds(60),
        () -> sourcesOn(List.of(nodes)).keySet().containsAll(sourceIds()),
        "all 30 sources on some node");
    Map<String, List<String>> where = sourcesOn(List.of(nodes));
    for (String source : sourceIds()) {
      assertThat(where.get(source)).as(source + " lives on one node").hasSize(1);
    }
  }

  /** {@code /api/sources} answers for the whole cluster from any node, none of them partial. */
  @Test
  @Order(4)
  void anyNodeListsAllThirtySources() throws Exception {
    startFeeding();
    for (ServerProcess node : nodes) {
      awaitTrue(
          Duration.ofSeconds(30),
          () -> listedBy(node).containsAll(sourceIds()),
          node.name + " lists all 30 sources");
      assertThat(json(node.get("/api/sources")).path("partial")).isEmpty();
    }
  }

  @Test
  @Order(5)
  void killMinus9OfTheOldestLosesNoAcknowledgedEventAndItsShardsComeBack() throws Exception {
    startFeeding();
    flipModes(2);
    raiseTestAlerts(3);
    awaitTrue(
        Duration.ofSeconds(60), () -> !notificationsByKey.isEmpty(), "webhook notified before");
    ServerProcess victim = oldest();
    List<ServerProcess> survivors = live().stream().filter(n -> n != victim).toList();
    Map<String, List<String>> before = sourcesOn(List.of(nodes));
    long onVictim = before.values().stream().filter(l -> l.contains(victim.name)).count();
    List<LiveWatcher> watchers = new ArrayList<>();
    for (ServerProcess survivor : survivors) {
      watchers.add(LiveWatcher.open(survivor.httpPort));
    }
    awaitTrue(
        Duration.ofSeconds(30),
        () -> watchers.stream().allMatch(w -> w.updatesSince(0) > 0),
        "/ws clients on the survivors receive updates");

    long killed = System.nanoTime();
    victim.kill();
    awaitTrue(
        Duration.ofSeconds(90),
        () -> !memberNames(survivors.get(0)).contains(victim.name),
        "the split-brain resolver downs " + victim.name);
    long decided = System.nanoTime();
    timing(
        "kill -9 of the oldest to the SBR downing it (failure detection + stable-after 7 s)",
        killed);
    awaitTrue(
        BACK_AFTER_DECISION,
        () -> sourcesOn(survivors).keySet().containsAll(sourceIds()),
        "all 30 sources back on the survivors");
    timing(
        "SBR decision to all 30 sources ("
            + onVictim
            + " were on the killed node) back on survivors",
        decided);
    awaitTrue(
        Duration.ofSeconds(30),
        () -> status(survivors.get(0), "/api/simulator/faults") == 200,
        "the demo pipeline singleton answers again");
    timing("kill -9 to demo singleton answering on a survivor", killed);
    // WebSocket clients on the survivors kept receiving through the failure and the handover
    for (LiveWatcher watcher : watchers) {
      assertThat(watcher.closedBecause()).as("a survivor's /ws client closed").isNull();
      assertThat(watcher.updatesSince(killed)).isPositive();
      assertThat(watcher.longestGapSince(killed))
          .as("longest gap between DashboardUpdates on a survivor after the kill")
          .isLessThan(Duration.ofSeconds(5));
      watcher.close();
    }

    flipModes(1);
    assertNoAcknowledgedModeChangeLost(survivors.get(0));
    int notifiedBefore = notificationsByKey.size();
    raiseTestAlerts(3);
    awaitTrue(
        Duration.ofSeconds(60),
        () -> notificationsByKey.size() > notifiedBefore,
        "the failed-over alert router notifies again");
    assertNoAlertLostNorNotifiedTwice(survivors.get(0));
    timings.add(
        "feeder until here: "
            + fed.get()
            + " batches stored, "
            + refused.get()
            + " refused (503 while a shard moved, or the killed node)");
  }

  @Test
  @Order(6)
  void theKilledNodeRestartsAndRejoins() throws Exception {
    int index = -1;
    for (int i = 0; i < NODES; i++) {
      if (!nodes[i].process.isAlive()) {
        index = i;
      }
    }
    assertThat(index).as("a node was killed before").isNotNegative();
    long start = System.nanoTime();
    nodes[index] = startNode(index);
    nodes[index].awaitReady(FORMED_WITHIN);
    timing("restart of the killed node to /ready 200 (rejoined)", start);
    for (ServerProcess node : live()) {
      awaitTrue(
          Duration.ofSeconds(30),
          () -> memberNames(node).size() == NODES,
          node.name + " sees three members again");
    }
  }

  @Test
  @Order(7)
  void aGracefulLeaveHandsItsShardsOverAndLosesNothingAcknowledged() throws Exception {
    startFeeding();
    flipModes(1);
    ServerProcess leaving = oldest();
    List<ServerProcess> staying = live().stream().filter(n -> n != leaving).toList();
    long start = System.nanoTime();
    int exit = leaving.terminate(Duration.ofSeconds(60));
    timing("SIGTERM of the oldest to its process exit (leave + handover)", start);
    assertThat(exit).as(leaving.logTail(30)).isZero(); // documented: 0 after SIGTERM
    awaitTrue(
        BACK_AFTER_DECISION,
        () -> sourcesOn(staying).keySet().containsAll(sourceIds()),
        "all 30 sources on the remaining nodes");
    timing("SIGTERM of the oldest to all 30 sources on the remaining nodes", start);
    // the leaver is removed once the others have gossiped its exit (its process may end first)
    awaitTrue(
        Duration.ofSeconds(30),
        () -> !memberNames(staying.get(0)).contains(leaving.name),
        leaving.name + " removed from the membership");
    flipModes(1);
    assertNoAcknowledgedModeChangeLost(staying.get(0));
  }

  // --- the cluster -----------------------------------------------------------------------------

  private ServerProcess startNode(int i) throws IOException {
    StringBuilder contactPoints = new StringBuilder();
    for (int port : managementPorts) {
      contactPoints
          .append(contactPoints.length() == 0 ? "" : ",")
          .append("127.0.0.1:")
          .append(port);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PIPEWATCH_DISCOVERY", "config");
    env.put("PIPEWATCH_CONTACT_POINTS", contactPoints.toString());
    env.put("PIPEWATCH_REQUIRED_CONTACT_POINTS", Integer.toString(NODES));
    env.put("PIPEWATCH_CASSANDRA_CONTACT_POINTS", cassandra);
    env.put("PIPEWATCH_DEMO", "true");
    return ServerProcess.start(
        workDir,
        "node-" + (i + 1),
        httpPorts[i],
        managementPorts[i],
        env,
        List.of(
            "-Dpipewatch.persistence.journal-keyspace=cit_journal_" + keyspaceSuffix,
            "-Dpipewatch.persistence.snapshot-keyspace=cit_snapshot_" + keyspaceSuffix,
            // every node reports the host under the same source: keep the 30 countable
            "-Dpipewatch.collector.probe.enabled=false",
            // a real webhook receiver, for operator-raised alerts only (not the fleet's patterns)
            "-Dpipewatch.alerts.channels.webhook.url=http://127.0.0.1:"
                + webhook.getAddress().getPort()
                + "/hook",
            "-Dpipewatch.alerts.channels.webhook.route.0=origin!=system"));
  }

  private List<ServerProcess> live() {
    List<ServerProcess> live = new ArrayList<>();
    for (ServerProcess node : nodes) {
      if (node.process.isAlive()) {
        live.add(node);
      }
    }
    return live;
  }

  private static boolean seesAllUp(ServerProcess node) {
    try {
      JsonNode members = members(node);
      int up = 0;
      for (JsonNode member : members.path("members")) {
        up += member.path("status").asText().equals("Up") ? 1 : 0;
      }
      return up == NODES && members.path("unreachable").isEmpty();
    } catch (Exception | AssertionError notYet) {
      return false;
    }
  }

  private static JsonNode members(ServerProcess node) throws Exception {
    HttpResponse<String> response = node.getManagement("/cluster/members");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  /** The node names (from the HTTP port in each member's node address) of the Up members. */
  private Set<String> memberNames(ServerProcess node) {
    try {
      JsonNode members = members(node);
      Set<String> names = new TreeSet<>();
      for (JsonNode member : members.path("members")) {
        String address = member.path("node").asText();
        for (ServerProcess candidate : nodes) {
          if (candidate.process.isAlive() || !address.isEmpty()) {
            String status = member.path("status").asText();
            if (address.equals(artery(candidate)) && !status.equals("Down")) {
              names.add(candidate.name);
            }
          }
        }
      }
      return names;
    } catch (Exception e) {
      return Set.of("unknown: " + e);
    }
  }

  /** A node's own cluster address, from its own view of the members. */
  private final Map<ServerProcess, String> addresses = new ConcurrentHashMap<>();

  private String artery(ServerProcess node) {
    return addresses.computeIfAbsent(
        node,
        n -> {
          try {
            return members(n).path("selfNode").asText();
          } catch (Exception e) {
            return "?";
          }
        });
  }

  private ServerProcess oldest() throws Exception {
    String oldest = members(live().get(0)).path("oldest").asText();
    for (ServerProcess node : live()) {
      if (artery(node).equals(oldest)) {
        return node;
      }
    }
    throw new AssertionError("no live node is the oldest " + oldest);
  }

  // --- sources and load --------------------------------------------------------------------------

  private static List<String> sourceIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SOURCES; i++) {
      ids.add("svc-%02d".formatted(i));
    }
    return ids;
  }

  private static final java.util.regex.Pattern SOURCE_LABEL =
      java.util.regex.Pattern.compile("source=\"(svc-\\d\\d)\"");

  /**
   * Source id to the nodes that host its collector, over {@code among}: the sources whose series a
   * node's own Prometheus page ({@code /metrics}, node-local by design) shows.
   */
  private static Map<String, List<String>> sourcesOn(List<ServerProcess> among) {
    Map<String, List<String>> where = new LinkedHashMap<>();
    for (ServerProcess node : among) {
      try {
        Set<String> hosted = new TreeSet<>();
        java.util.regex.Matcher m = SOURCE_LABEL.matcher(node.get("/metrics").body());
        while (m.find()) {
          hosted.add(m.group(1));
        }
        for (String id : hosted) {
          where.computeIfAbsent(id, k -> new ArrayList<>()).add(node.name);
        }
      } catch (Exception unreachable) {
        // a node that does not answer hosts nothing
      }
    }
    return where;
  }

  /** The {@code svc-} sources that {@code GET /api/sources} of {@code node} lists. */
  private static Set<String> listedBy(ServerProcess node) {
    Set<String> ids = new TreeSet<>();
    try {
      for (JsonNode source : json(node.get("/api/sources")).path("sources")) {
        String id = source.path("sourceId").asText();
        if (id.startsWith("svc-")) {
          ids.add(id);
        }
      }
    } catch (Exception unreachable) {
      // lists nothing
    }
    return ids;
  }

  /**
   * A batch for every source every 500 ms, to the live nodes in turn, sent without waiting for
   * earlier answers (a batch held up by a shard in transit delays nothing else); runs until the
   * class ends.
   */
  private void startFeeding() {
    if (feeding.getAndSet(true)) {
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              long round = 0;
              while (feeding.get()) {
                long next = System.nanoTime() + 500_000_000L;
                List<ServerProcess> live = live();
                for (int source = 0; source < SOURCES; source++) {
                  ServerProcess node = live.get((int) ((source + round) % live.size()));
                  String body =
                      ("{\"source\":\"svc-%02d\",\"samples\":[{\"name\":\"jobs_done_total\","
                              + "\"kind\":\"counter\",\"value\":%d}]}")
                          .formatted(source, round * 10);
                  node.postAsync("/api/ingest", body)
                      .thenAccept(code -> (code / 100 == 2 ? fed : refused).incrementAndGet());
                }
                round++;
                long left = next - System.nanoTime();
                if (left > 0) {
                  try {
                    Thread.sleep(left / 1_000_000L);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "cluster-it-feeder");
    thread.setDaemon(true);
    thread.start();
    feeders.add(thread);
  }

  /**
   * Flips every source's optimizer mode {@code rounds} times through the live nodes in turn,
   * remembering each acknowledged (2xx) change: each is a ModeChanged event in the journal.
   */
  private void flipModes(int rounds) throws Exception {
    for (int r = 0; r < rounds; r++) {
      List<ServerProcess> live = live();
      for (int i = 0; i < SOURCES; i++) {
        String source = sourceIds().get(i);
        String mode = "off".equals(lastAckedMode.get(source)) ? "recommend" : "off";
        ServerProcess node = live.get(i % live.size());
        HttpResponse<String> answer =
            node.send(
                "PUT",
                "/api/optimizations/mode",
                "{\"source\":\"%s\",\"mode\":\"%s\"}".formatted(source, mode));
        if (answer.statusCode() / 100 == 2) {
          lastAckedMode.put(source, mode);
          ackedFlips.merge(source, 1, Integer::sum);
        }
      }
    }
    assertThat(ackedFlips).as("every source's mode was changed at least once").hasSize(SOURCES);
  }

  /** Every acknowledged mode change is in the journal, the last one last. */
  private void assertNoAcknowledgedModeChangeLost(ServerProcess node) throws Exception {
    for (String source : sourceIds()) {
      JsonNode history =
          json(node.get("/api/optimizations/history?source=" + source + "&limit=1000"));
      List<String> modes = new ArrayList<>();
      for (JsonNode entry : history.isArray() ? history : history.path("events")) {
        if ("ModeChanged".equals(entry.path("type").asText())
            || entry.path("type").asText().toLowerCase(java.util.Locale.ROOT).contains("mode")) {
          modes.add(entry.path("event").path("mode").asText());
        }
      }
      assertThat(modes.size())
          .as(source + ": acknowledged mode changes in the journal; history " + history)
          .isGreaterThanOrEqualTo(ackedFlips.get(source));
      assertThat(modes.get(modes.size() - 1).toLowerCase(java.util.Locale.ROOT))
          .as(source + ": the last acknowledged mode is the journal's last")
          .isEqualTo(lastAckedMode.get(source));
    }
  }

  // --- alerts ----------------------------------------------------------------------------------

  /** Raises test alerts through the live nodes in turn; remembers each acknowledged (201) one. */
  private void raiseTestAlerts(int count) throws Exception {
    List<ServerProcess> live = live();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> created =
          live.get(i % live.size())
              .send("POST", "/api/test-alert", "{\"severity\":\"critical\",\"note\":\"drill\"}");
      if (created.statusCode() == 201) {
        createdAlerts.add(json(created).path("id").asText());
      }
    }
    assertThat(createdAlerts).as("test alerts acknowledged").isNotEmpty();
  }

  /**
   * Every acknowledged alert is still known to the router (its journal), and no notification was
   * sent twice under different notification ids ({@code Idempotency-Key}): no two ids carry the
   * same kind and the same alerts. (A group's later notification lists its alerts still firing
   * together with the new one: a different set.) A notification sent but not yet recorded as
   * delivered when its node died is sent again by the failed-over router under the same id
   * (at-least-once; the receiver drops the repeat by its key): those repeats are counted.
   */
  private void assertNoAlertLostNorNotifiedTwice(ServerProcess node) throws Exception {
    for (String id : createdAlerts) {
      HttpResponse<String> alert = node.get("/api/alerts/" + id);
      assertThat(alert.statusCode()).as("alert " + id + ": " + alert.body()).isEqualTo(200);
    }
    assertThat(signatureByKey.values())
        .as("kind and alerts of each notification id: " + signatureByKey)
        .doesNotContain("unreadable body")
        .doesNotHaveDuplicates();
    long repeats = notificationsByKey.values().stream().filter(n -> n > 1).count();
    timings.add(
        "webhook: "
            + notificationsByKey.size()
            + " notifications, "
            + repeats
            + " of them sent again under the same Idempotency-Key after the failover");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static int status(ServerProcess node, String path) {
    try {
      return node.get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JsonSupport.MAPPER.readTree(response.body());
  }

  private static void awaitTrue(Duration within, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(100);
    }
  }

  private void timing(String what, long sinceNanos) {
    String line =
        "%s: %.1f s".formatted(what, (System.nanoTime() - sinceNanos) / 1e9)
            + " (load "
            + loadAverage()
            + ")";
    System.out.println("CLUSTER-TIMING " + line);
    timings.add(line);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
