package io.pipewatch.bench.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.Dimension;
import io.pipewatch.analyzer.Evidence;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.analyzer.alert.Channels;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.cassandra.CassandraLauncher;
import io.pipewatch.persistence.cassandra.RunningCassandra;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Time from a fault to the first webhook request, and the router's own latency and throughput.
 *
 * <p>Modes (all by default; {@code modes=host,ingest,rate}):
 *
 * <ul>
 *   <li><b>host</b> — per trial a fresh server process ({@code io.pipewatch.api.Main}, default
 *       settings except {@code PIPEWATCH_ALERTS_WEBHOOK_URL}, the demo off, a fresh keyspace on one
 *       Cassandra the harness starts), a real CPU saturation of this host (one busy thread per
 *       core, at most 30 s) and the time until the webhook receives a request naming the host
 *       source's CPU. A trial waits (at most {@code quiet-wait}) until the host's CPU is not
 *       already a bottleneck, and is skipped if it stays one (other load on the machine).
 *   <li><b>ingest</b> — the same server path with a controlled fault: a source reporting its CPU
 *       every 100 ms over {@code POST /api/ingest}, healthy (~30 %), then saturated (99 %); the
 *       time from the first saturated sample to the webhook request naming it.
 *   <li><b>rate</b> — the router alone (in this JVM, journal on the same Cassandra, webhook only,
 *       rate limit raised): bottleneck events at {@code rate}/s for {@code seconds}; latency from
 *       event to webhook receipt, p50/p99/max; then a burst of {@code burst} events and the time
 *       until all are delivered (throughput).
 * </ul>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.alert.AlertLatencyHarness trials=10
 * </pre>
 */
public final class AlertLatencyHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private AlertLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new ConcurrentHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int trials = Integer.parseInt(opts.getOrDefault("trials", "10"));
    List<String> modes = List.of(opts.getOrDefault("modes", "host,ingest,rate").split(","));
    int httpPort = Integer.parseInt(opts.getOrDefault("http-port", "18400"));
    Duration quietWait =
        Duration.ofSeconds(Long.parseLong(opts.getOrDefault("quiet-wait-s", "60")));

    Path dataDir = Files.createTempDirectory("alert-bench-cassandra");
    PersistenceSettings defaults = PersistenceSettings.create(ConfigFactory.defaultReference());
    RunningCassandra cassandra =
        CassandraLauncher.start(defaults.embedded().withDataDir(dataDir).withSkipSync(true));
    System.out.printf("cassandra on %s%n", cassandra.contactPoint());
    Receiver receiver = Receiver.start();
    try {
      if (modes.contains("host")) {
        List<Long> times = new ArrayList<>();
        int skipped = 0;
        for (int t = 1; t <= trials; t++) {
          Long ms = hostTrial(t, cassandra.contactPoint(), receiver, httpPort, quietWait);
          if (ms == null) {
            skipped++;
          } else {
            times.add(ms);
          }
          System.out.printf(
              "host trial %d: %s (load %s)%n", t, ms == null ? "skipped" : ms + " ms", load());
        }
        summary("host CPU saturation -> webhook", times, skipped);
      }
      if (modes.contains("ingest")) {
        List<Long> times = ingestTrials(trials, cassandra.contactPoint(), receiver, httpPort);
        summary("ingested CPU saturation -> webhook", times, 0);
      }
      if (modes.contains("rate")) {
        rate(
            cassandra.contactPoint(),
            defaults,
            receiver,
            Integer.parseInt(opts.getOrDefault("rate", "100")),
            Integer.parseInt(opts.getOrDefault("seconds", "30")),
            Integer.parseInt(opts.getOrDefault("burst", "5000")));
      }
    } finally {
      receiver.close();
      cassandra.stop();
    }
    System.exit(0);
  }

  // ---- host ----

  private static Long hostTrial(
      int trial, ContactPoint cassandra, Receiver receiver, int httpPort, Duration quietWait)
      throws Exception {
    receiver.clear();
    Process server = startServer("host" + trial, cassandra, receiver, httpPort, true);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      String base = "http://127.0.0.1:" + httpPort;
      String host = awaitHostSource(base);
      // the analyzer judges a source 20 s after its first snapshot (warm-up): let it pass
      Thread.sleep(22_000);
      long quietUntil = System.nanoTime() + quietWait.toNanos();
      int quietChecks = 0;
      while (quietChecks < 4) {
        if (System.nanoTime() > quietUntil) {
          return null;
        }
        quietChecks = hostCpuBottleneck(base, host) ? 0 : quietChecks + 1;
        Thread.sleep(500);
      }
      if (receiver.firstSince(host, "cpu", Long.MIN_VALUE) != null) {
        // the host's CPU was already notified by this server (saturated during its warm-up): a
        // new saturation within the cooldown is held back until it ends, not a latency
        System.out.printf("host trial %d: host CPU already notified at start-up%n", trial);
        return null;
      }
      List<Thread> busy = new ArrayList<>();
      System.out.printf(
          "host trial %d: busy threads start at %s%n", trial, java.time.Instant.now());
      long start = System.nanoTime();
      for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
        Thread t =
            new Thread(
                () -> {
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                  long x = 0;
                  while (!stop.get() && System.nanoTime() < deadline) {
                    x += x * 31 + 7;
                  }
                  if (x == 42) {
                    System.out.print("");
                  }
                },
                "busy-" + i);
        t.start();
        busy.add(t);
      }
      Long arrived = receiver.awaitFirst(host, "cpu", start, Duration.ofSeconds(30));
      stop.set(true);
      for (Thread t : busy) {
        t.join();
      }
      return arrived == null
          ? Long.valueOf(-1)
          : Long.valueOf(TimeUnit.NANOSECONDS.toMillis(arrived - start));
    } finally {
      stop.set(true);
      stopServer(server);
    }
  }

  private static String awaitHostSource(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      try {
        JsonNode sources = JSON.readTree(get(base + "/api/sources"));
        for (JsonNode s : sources.get("sources")) {
          String id = s.get("sourceId").asText();
          if (id.startsWith("host/")) {
            return id;
          }
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("server did not report a host source within 180 s");
  }

  private static boolean hostCpuBottleneck(String base, String host) throws Exception {
    String q =
        base
            + "/api/bottlenecks?kind=cpu&source="
            + java.net.URLEncoder.encode(host, java.nio.charset.StandardCharsets.UTF_8);
    return get(q).contains("\"kind\":\"cpu\"");
  }

  // ---- ingest ----

  private static List<Long> ingestTrials(
      int trials, ContactPoint cassandra, Receiver receiver, int httpPort) throws Exception {
    receiver.clear();
    Process server = startServer("ingest", cassandra, receiver, httpPort, false);
    List<Long> times = new ArrayList<>();
    try {
      String base = "http://127.0.0.1:" + httpPort;
      awaitUp(base);
      for (int t = 1; t <= trials; t++) {
        String source = "bench-svc-" + t;
        long now = System.currentTimeMillis();
        long t0 = now - 40_000;
        for (int i = 0; i < 400; i++) {
          ingest(base, source, t0 + i * 100L, 0.30 + 0.02 * Math.sin(i));
        }
        long start = System.nanoTime();
        Long arrived = null;
        for (int i = 0; i < 100 && arrived == null; i++) {
          ingest(base, source, System.currentTimeMillis(), 0.99);
          arrived = receiver.firstSince(source, "cpu", start);
          if (arrived == null) {
            Thread.sleep(100);
          }
        }
        if (arrived == null) {
          arrived = receiver.awaitFirst(source, "cpu", start, Duration.ofSeconds(5));
        }
        long ms = arrived == null ? -1 : TimeUnit.NANOSECONDS.toMillis(arrived - start);
        times.add(ms);
        System.out.printf("ingest trial %d: %d ms (load %s)%n", t, ms, load());
        // at most 6 trials a minute: the webhook's default rate limit is 10 per minute
        long pause = 10_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (pause > 0) {
          Thread.sleep(pause);
        }
      }
    } finally {
      stopServer(server);
    }
    return times;
  }

  private static void awaitUp(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/alerts")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("server not up within 180 s");
  }

  private static void ingest(String base, String source, long ts, double cpu) throws Exception {
    String body =
        String.format(
            Locale.ROOT,
            "{\"source\":\"%s\",\"timestamp\":%d,\"samples\":[{\"name\":\"pipeline_stage_cpu_usage_ratio\","
                + "\"labels\":{\"stage\":\"work\"},\"kind\":\"gauge\",\"value\":%.4f}]}",
            source,
            ts,
            cpu);
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/ingest"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
    }
  }

  // ---- server process ----

  private static Process startServer(
      String name, ContactPoint cassandra, Receiver receiver, int httpPort, boolean probe)
      throws IOException {
    String keyspace = "alert_bench_" + name + "_" + System.currentTimeMillis() % 100000;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Dpipewatch.persistence.journal-keyspace=" + keyspace + "_j");
    cmd.add("-Dpipewatch.persistence.snapshot-keyspace=" + keyspace + "_s");
    if (!probe) {
      cmd.add("-Dpipewatch.collector.probe.enabled=false");
    }
    // In the shaded benchmarks.jar Pekko's own reference.conf comes after the api's and undoes
    // its pekko.* settings: give the ones a node needs again (what the api's reference.conf says).
    cmd.add("-Dpekko.actor.provider=cluster");
    cmd.add("-Dpekko.remote.artery.canonical.hostname=127.0.0.1");
    cmd.add("-Dpekko.remote.artery.canonical.port=" + (httpPort + 1));
    cmd.add("-Dpekko.coordinated-shutdown.exit-jvm=off");
    cmd.add(
        "-Dpekko.cluster.downing-provider-class=org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    cmd.add("io.pipewatch.api.Main");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PIPEWATCH_ALERTS_WEBHOOK_URL", receiver.url());
    pb.environment().put("PIPEWATCH_HTTP_PORT", Integer.toString(httpPort));
    pb.environment().put("PIPEWATCH_CLUSTER_PORT", Integer.toString(httpPort + 1));
    pb.environment().put("PIPEWATCH_MANAGEMENT_PORT", Integer.toString(httpPort + 2));
    pb.environment().put("PIPEWATCH_DEMO", "false");
    pb.environment().put("PIPEWATCH_CASSANDRA_CONTACT_POINTS", cassandra.toString());
    File log = Files.createTempFile("alert-bench-server-" + name, ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    System.out.printf("server %s: log %s%n", name, log);
    return pb.start();
  }

  private static void stopServer(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(30, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      server.waitFor();
    }
  }

  // ---- rate ----

  private static void rate(
      ContactPoint cassandra,
      PersistenceSettings defaults,
      Receiver receiver,
      int rate,
      int seconds,
      int burst)
      throws Exception {
    receiver.clear();
    String suffix = Long.toString(System.currentTimeMillis() % 100000);
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pipewatch.alerts.channels.log.enabled = false\n"
                    + "pipewatch.alerts.channels.dashboard.enabled = false\n"
                    + "pipewatch.alerts.channels.webhook.url = \""
                    + receiver.url()
                    + "\"\n"
                    + "pipewatch.alerts.channels.webhook.rate-limit = 1000000\n")
            .withFallback(
                CassandraJournalConfig.overlay(
                    new PersistenceSettings(
                        List.of(cassandra),
                        defaults.localDatacenter(),
                        "alert_rate_j" + suffix,
                        "alert_rate_s" + suffix,
                        true,
                        1,
                        defaults.healthCheckTimeout(),
                        defaults.embedded())))
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "alert-rate", config);
    try {
      AlertSettings settings = AlertSettings.create(config);
      ActorRef<AlertRouter.Command> router =
          system.systemActorOf(
              AlertRouter.create(
                  settings,
                  new AlertRouter.Collaborators(
                      Channels.create(settings, system), null, null, Clock.systemUTC(), null)),
              "alert-router",
              org.apache.pekko.actor.typed.Props.empty());
      // first event: waits for the journal (schema creation), not measured
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      send(router, "warm-up", sentAt);
      receiver.awaitFirst("warm-up", "cpu", Long.MIN_VALUE, Duration.ofSeconds(120));

      long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long begin = System.nanoTime();
      int n = rate * seconds;
      for (int i = 0; i < n; i++) {
        long due = begin + i * periodNanos;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.sleep(Math.min(wait, 1_000_000));
        }
        send(router, "rate-" + i, sentAt);
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (receiver.count("rate-") < n && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Long got = receiver.arrival("rate-" + i);
        if (got != null) {
          latencies.add(TimeUnit.NANOSECONDS.toMicros(got - sentAt.get("rate-" + i)));
        }
      }
      Collections.sort(latencies);
      System.out.printf(
          "rate %d/s for %d s: delivered %d of %d; event->webhook p50 %.1f ms, p99 %.1f ms, max %.1f ms (load %s)%n",
          rate,
          seconds,
          latencies.size(),
          n,
          pct(latencies, 0.50) / 1000.0,
          pct(latencies, 0.99) / 1000.0,
          latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1) / 1000.0,
          load());

      long burstStart = System.nanoTime();
      for (int i = 0; i < burst; i++) {
        send(router, "burst-" + i, sentAt);
      }
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (receiver.count("burst-") < burst && System.nanoTime() < limit) {
        Thread.sleep(20);
      }
      double secs = (System.nanoTime() - burstStart) / 1e9;
      System.out.printf(
          "burst of %d: all delivered (journalled, sent, confirmed) in %.2f s = %.0f alerts/s (load %s)%n",
          receiver.count("burst-"), secs, receiver.count("burst-") / secs, load());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void send(
      ActorRef<AlertRouter.Command> router, String source, Map<String, Long> sentAt) {
    long now = System.currentTimeMillis();
    Bottleneck b =
        new Bottleneck(
            source + "/cpu/1",
            source,
            BottleneckKind.CPU,
            Severity.CRITICAL,
            0.9,
            0.9,
            List.of(new Evidence("cpu-saturation", "cpu", Dimension.CPU, 0.99, 0.3, 0.85, 0.9, 6)),
            now,
            now,
            0,
            -1);
    sentAt.put(source, System.nanoTime());
    router.tell(new AlertRouter.AnalysisAlert(new BottleneckAnalyzer.BottleneckDetected(b)));
  }

  // ---- reporting ----

  private static void summary(String what, List<Long> times, int skipped) {
    List<Long> ok = new ArrayList<>(times.stream().filter(t -> t >= 0).toList());
    Collections.sort(ok);
    System.out.printf(
        "%s: %d trials measured, %d missed (no webhook within 30 s), %d skipped (host busy);"
            + " median %d ms, max %d ms, all %s%n",
        what,
        ok.size(),
        times.size() - ok.size(),
        skipped,
        ok.isEmpty() ? -1 : ok.get(ok.size() / 2),
        ok.isEmpty() ? -1 : ok.get(ok.size() - 1),
        times);
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The webhook: records when each (source, kind) first arrived. */
  private static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    private Receiver(HttpServer server) {
      this.server = server;
    }

    static Receiver start() throws IOException {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      Receiver r = new Receiver(s);
      s.createContext(
          "/hook",
          exchange -> {
            long at = System.nanoTime();
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            r.requests.incrementAndGet();
            JsonNode json = JSON.readTree(body);
            for (JsonNode a : json.path("alerts")) {
              JsonNode labels = a.path("labels");
              if (!"firing".equals(a.path("status").asText())) {
                continue;
              }
              r.firstArrival.putIfAbsent(
                  labels.path("source").asText() + "|" + labels.path("kind").asText(), at);
            }
          });
      s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
      s.start();
      return r;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void clear() {
      firstArrival.clear();
    }

    Long arrival(String source) {
      return firstArrival.get(source + "|cpu");
    }

    long count(String prefix) {
      return firstArrival.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    Long firstSince(String source, String kind, long sinceNanos) {
      Long at = firstArrival.get(source + "|" + kind);
      return at != null && at >= sinceNanos ? at : null;
    }

    Long awaitFirst(String source, String kind, long sinceNanos, Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Long at = firstSince(source, kind, sinceNanos);
        if (at != null) {
          return at;
        }
        Thread.sleep(2);
      }
      return null;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
