package io.pipewatch.bench.ws;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket delivery latency of a running Pipewatch server: event published → received by every
 * client, with 1, 100 and 1,000 concurrent clients on {@code /ws}, and the server's memory per
 * client.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.ws.WebSocketLoadHarness \
 *     url=http://127.0.0.1:18130 clients=1,100,1000 events=100 rate=10 pid=<server pid>
 * }</pre>
 *
 * <p>Per client count it opens the connections (java.net.http, one TCP connection each), subscribes
 * each to {@code Alert} events (plus a 5 s DashboardUpdate, whose first arrival says the
 * subscription is in place), then raises {@code events} critical test alerts through {@code POST
 * /api/test-alert} at {@code rate} per second. The event's alert carries {@code startsMillis}, when
 * the router created it (its "fired" change is published on the "alerts" topic once the journal has
 * it): latency = the client's clock at receipt minus that (same host, same clock; 1 ms resolution),
 * so it includes the journal write. A second figure starts where the server's live hub published
 * the event to its clients: the event's {@code id} is that moment in epoch microseconds (plus a
 * sequence number when two fall within one; {@code LiveHub}), so receipt minus {@code id / 1000} is
 * the WebSocket delivery alone (the peer's events carry only their publication time). With {@code
 * pid}, the server's heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}) and RSS are
 * read before and after the clients connect: memory per client = the difference over the count.
 *
 * <p>The clients run in this JVM on the same machine: their CPU competes with the server's. With
 * {@code peer=true} the same clients and measurement run against {@link BroadcastPeer}, a bare
 * Pekko HTTP broadcast in this JVM, instead of a Pipewatch server.
 */
public final class WebSocketLoadHarness {
  private WebSocketLoadHarness() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    BroadcastPeer peer = "true".equals(a.get("peer")) ? new BroadcastPeer() : null;
    String url = peer != null ? peer.url() : a.getOrDefault("url", "http://127.0.0.1:8080");
    int events = Integer.parseInt(a.getOrDefault("events", "100"));
    double rate = Double.parseDouble(a.getOrDefault("rate", "10"));
    String pid = a.get("pid");
    int[] counts =
        Arrays.stream(a.getOrDefault("clients", "1,100,1000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    System.out.printf(
        Locale.ROOT,
        "%-8s %8s %9s %8s %8s %8s %8s %9s %9s %9s %12s %12s%n",
        "clients",
        "events",
        "received",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "hub p50",
        "hub p99",
        "hub max",
        "heap B/cl",
        "rss B/cl");
    for (int n : counts) {
      run(http, url, n, events, rate, peer == null ? pid : null, peer);
    }
    System.exit(0);
  }

  private static void run(
      HttpClient http, String url, int n, int events, double rate, String pid, BroadcastPeer peer)
      throws Exception {
    long[] before = memory(pid);
    String ws = url.replaceFirst("^http", "ws") + "/ws";
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> fromHub = new ConcurrentLinkedQueue<>();
    AtomicLong received = new AtomicLong();
    CountDownLatch subscribed = new CountDownLatch(n);
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i += 50) {
      List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 50); j++) {
        batch.add(
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create(ws), new Listener(latencies, fromHub, received, subscribed)));
      }
      for (CompletableFuture<WebSocket> f : batch) {
        WebSocket s = f.get(30, TimeUnit.SECONDS);
        s.sendText(
            "{\"subscribe\":{\"types\":[\"Alert\",\"DashboardUpdate\"],\"interval\":\"5s\"}}",
            true);
        sockets.add(s);
      }
    }
    if (!subscribed.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(subscribed.getCount() + " clients never got an update");
    }
    long[] after = memory(pid);
    long periodNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    for (int e = 0; e < events; e++) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      next += periodNanos;
      if (peer != null) {
        peer.publish();
        continue;
      }
      http.sendAsync(
          HttpRequest.newBuilder(URI.create(url + "/api/test-alert"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"severity\":\"critical\",\"channel\":\"dashboard\",\"note\":\"bench\"}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    long expected = (long) n * events;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    for (WebSocket s : sockets) {
      s.abort();
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] hub = fromHub.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "%-8d %8d %9d %8d %8d %8d %8d %9s %9s %9s %12s %12s%n",
        n,
        events,
        received.get(),
        pct(sorted, 0.50),
        pct(sorted, 0.90),
        pct(sorted, 0.99),
        sorted.length == 0 ? -1 : sorted[sorted.length - 1],
        hub.length == 0 ? "-" : Long.toString(pct(hub, 0.50)),
        hub.length == 0 ? "-" : Long.toString(pct(hub, 0.99)),
        hub.length == 0 ? "-" : Long.toString(hub[hub.length - 1]),
        before == null ? "-" : Long.toString((after[0] - before[0]) / n),
        before == null ? "-" : Long.toString((after[1] - before[1]) / n));
    Thread.sleep(2000); // let the server see the connections go before the next count
  }

  private static long pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** Heap used after a full GC and RSS of the server process, bytes; null without a pid. */
  private static long[] memory(String pid) throws IOException, InterruptedException {
    if (pid == null) {
      return null;
    }
    run("jcmd", pid, "GC.run");
    String heap = run("jcmd", pid, "GC.heap_info");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
    long used = m.find() ? Long.parseLong(m.group(2)) * 1024 : 0;
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return new long[] {used, rss};
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** One client: records the latency of each Alert event it receives. */
  private static final class Listener implements WebSocket.Listener {
    private final ConcurrentLinkedQueue<Long> latencies;
    private final ConcurrentLinkedQueue<Long> fromHub;
    private final AtomicLong received;
    private final CountDownLatch subscribed;
    private final StringBuilder partial = new StringBuilder();
    private boolean counted;

    Listener(
        ConcurrentLinkedQueue<Long> latencies,
        ConcurrentLinkedQueue<Long> fromHub,
        AtomicLong received,
        CountDownLatch subscribed) {
      this.latencies = latencies;
      this.fromHub = fromHub;
      this.received = received;
      this.subscribed = subscribed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long now = System.currentTimeMillis();
        String text = partial.toString();
        partial.setLength(0);
        if (text.startsWith("{\"type\":\"Alert\"") && text.contains("\"description\":\"bench\"")) {
          // read the numbers without a JSON parser: 1,000 clients share this JVM's CPU
          latencies.add(now - number(text, "\"startsMillis\":"));
          if (text.contains("\"id\":\"")) {
            fromHub.add(now - number(text, "\"id\":\"") / 1000);
          }
          received.incrementAndGet();
        } else if (!counted && text.startsWith("{\"type\":\"DashboardUpdate\"")) {
          counted = true;
          subscribed.countDown();
        }
      }
      ws.request(1);
      return null;
    }

    /** The digits right after the first {@code key} in {@code text}. */
    private static long number(String text, String key) {
      int at = text.indexOf(key) + key.length();
      int end = at;
      while (end < text.length() && Character.isDigit(text.charAt(end))) {
        end++;
      }
      return Long.parseLong(text.substring(at, end));
    }
  }
}
