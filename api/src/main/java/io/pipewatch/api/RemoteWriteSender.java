package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.collector.ingest.remotewrite.RemoteWriteEncoder;
import io.pipewatch.collector.settings.SettingsReader;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards what this node's collectors hold to a Prometheus-compatible store with remote_write 1.0
 * ({@code pipewatch.api.remote-write-out}, off by default): every {@code interval} it reads each
 * source's latest samples (those newer than what it already sent), labels them {@code source=<id>},
 * and queues them in requests of at most {@code max-samples-per-send}. Counters and gauges go as
 * they are; a histogram {@code h} as {@code h_count}, {@code h_sum} and {@code
 * h{quantile="0.5|0.9|0.95|0.99|1"}}.
 *
 * <p>One request is in flight at a time. A 2xx counts its samples as sent; a 4xx other than 429 as
 * failed (the store will never take them); 429, 5xx and connection errors retry the same request
 * after a backoff doubling from {@code min-backoff} to {@code max-backoff}. The queue holds at most
 * {@code max-queued-samples}: beyond, the oldest requests are dropped and counted. Shown on {@code
 * /metrics}: {@code pipewatch_remote_write_samples_total{outcome=sent|failed|dropped}}, {@code
 * pipewatch_remote_write_queued_samples}.
 *
 * <pre>{@code
 * pipewatch.api.remote-write-out { enabled = on, url = "http://prometheus:9090/api/v1/write" }
 * }</pre>
 */
final class RemoteWriteSender {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteSender.class);

  /** {@code pipewatch.api.remote-write-out}. */
  record Settings(
      boolean enabled,
      String url,
      Duration interval,
      int maxSamplesPerSend,
      int maxQueuedSamples,
      Duration minBackoff,
      Duration maxBackoff,
      Duration timeout) {
    static Settings create(Config root) {
      SettingsReader in = SettingsReader.of(root, "pipewatch.api.remote-write-out");
      boolean enabled = in.bool("enabled");
      String url = in.string("url");
      if (enabled && !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new io.pipewatch.collector.settings.InvalidSettingException(
            in.key("url"), "an http(s) URL when enabled", url);
      }
      return new Settings(
          enabled,
          url,
          in.positiveDuration("interval"),
          in.intInRange("max-samples-per-send", 1, 1_000_000),
          in.intInRange("max-queued-samples", 1, 100_000_000),
          in.positiveDuration("min-backoff"),
          in.positiveDuration("max-backoff"),
          in.positiveDuration("timeout"));
    }
  }

  private record Chunk(byte[] body, int samples) {}

  private static volatile RemoteWriteSender running;

  private final Settings settings;
  private final ActorSystem<?> system;
  private final ActorRef<SourceDirectory.Command> directory;
  private final HttpClient http;
  private final ScheduledExecutorService executor;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private final Map<String, Long> sentUpTo = new HashMap<>();
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private int queued;
  private boolean inFlight;
  private long backoffMillis;

  private RemoteWriteSender(
      Settings settings, ActorSystem<?> system, ActorRef<SourceDirectory.Command> directory) {
    this.settings = settings;
    this.system = system;
    this.directory = directory;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pipewatch-remote-write-out");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the sender when enabled; stops it when the system shuts down. */
  static void startIfEnabled(ActorSystem<?> system, ActorRef<SourceDirectory.Command> directory) {
    Settings settings = Settings.create(system.settings().config());
    if (!settings.enabled()) {
      return;
    }
    RemoteWriteSender sender = new RemoteWriteSender(settings, system, directory);
    running = sender;
    long every = settings.interval().toMillis();
    sender.executor.scheduleWithFixedDelay(sender::collect, every, every, TimeUnit.MILLISECONDS);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "remote-write-out",
            () -> {
              sender.executor.shutdownNow();
              return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
            });
    LOG.info("remote_write to {} every {} ms", settings.url(), every);
  }

  /** The running sender's figures (zeros when it is off, so that dashboards find the family). */
  static List<MetricSnapshot> snapshots() {
    RemoteWriteSender sender = running;
    if (sender == null) {
      return figures(0, 0, 0, 0);
    }
    int depth;
    synchronized (sender.queue) {
      depth = sender.queued;
    }
    return figures(sender.sent.sum(), sender.failed.sum(), sender.dropped.sum(), depth);
  }

  private static List<MetricSnapshot> figures(long sent, long failed, long dropped, int depth) {
    CounterSnapshot.Builder samples =
        CounterSnapshot.builder()
            .name("pipewatch_remote_write_samples")
            .help("Samples forwarded with remote_write: sent, failed (refused for good), dropped");
    for (var e :
        new TreeMap<>(Map.of("sent", sent, "failed", failed, "dropped", dropped)).entrySet()) {
      samples.dataPoint(
          CounterSnapshot.CounterDataPointSnapshot.builder()
              .labels(Labels.of("outcome", e.getKey()))
              .value(e.getValue())
              .build());
    }
    return List.of(
        samples.build(),
        GaugeSnapshot.builder()
            .name("pipewatch_remote_write_queued_samples")
            .help("Samples waiting to be forwarded with remote_write")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(depth).build())
            .build());
  }

  private void collect() {
    AskPattern.<SourceDirectory.Command, SourceDirectory.LatestSnapshots>ask(
            directory, SourceDirectory.GetLatestAll::new, settings.timeout(), system.scheduler())
        .whenCompleteAsync(
            (latest, error) -> {
              if (latest != null) {
                enqueue(latest.snapshots());
              }
              send();
            },
            executor);
  }

  private void enqueue(List<SourceSnapshot> snapshots) {
    List<RemoteWriteEncoder.Series> series = new ArrayList<>();
    for (SourceSnapshot snapshot : snapshots) {
      long ts = snapshot.timestampMillis();
      if (ts <= sentUpTo.getOrDefault(snapshot.sourceId(), Long.MIN_VALUE)) {
        continue;
      }
      sentUpTo.put(snapshot.sourceId(), ts);
      for (Sample s : snapshot.latestSamples()) {
        addSeries(series, snapshot.sourceId(), s, ts);
      }
    }
    for (int from = 0; from < series.size(); from += settings.maxSamplesPerSend()) {
      List<RemoteWriteEncoder.Series> part =
          series.subList(from, Math.min(series.size(), from + settings.maxSamplesPerSend()));
      synchronized (queue) {
        queue.addLast(new Chunk(RemoteWriteEncoder.encode(part), part.size()));
        queued += part.size();
        while (queued > settings.maxQueuedSamples() && queue.size() > 1) {
          Chunk oldest = queue.removeFirst();
          queued -= oldest.samples();
          dropped.add(oldest.samples());
        }
      }
    }
  }

  private static void addSeries(
      List<RemoteWriteEncoder.Series> out, String source, Sample s, long ts) {
    Map<String, String> labels = new TreeMap<>(s.labels());
    labels.put("source", source);
    if (s.histogram() == null) {
      if (Double.isFinite(s.value())) {
        out.add(new RemoteWriteEncoder.Series(with(labels, "__name__", s.name()), s.value(), ts));
      }
      return;
    }
    var h = s.histogram();
    out.add(
        new RemoteWriteEncoder.Series(
            with(labels, "__name__", s.name() + "_count"), h.count(), ts));
    out.add(
        new RemoteWriteEncoder.Series(with(labels, "__name__", s.name() + "_sum"), h.sum(), ts));
    double[] q = {h.p50(), h.p90(), h.p95(), h.p99(), h.max()};
    String[] names = {"0.5", "0.9", "0.95", "0.99", "1"};
    for (int i = 0; i < q.length; i++) {
      Map<String, String> withQ = with(labels, "quantile", names[i]);
      out.add(new RemoteWriteEncoder.Series(with(withQ, "__name__", s.name()), q[i], ts));
    }
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> out = new TreeMap<>(labels);
    out.put(key, value);
    return out;
  }

  private void send() {
    Chunk head;
    synchronized (queue) {
      if (inFlight || queue.isEmpty()) {
        return;
      }
      inFlight = true;
      head = queue.peekFirst();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.url()))
            .timeout(settings.timeout())
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .header("User-Agent", "pipewatch")
            .POST(HttpRequest.BodyPublishers.ofByteArray(head.body()))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenCompleteAsync((response, error) -> answered(head, response, error), executor);
  }

  private void answered(Chunk head, HttpResponse<String> response, Throwable error) {
    int code = response == null ? 0 : response.statusCode();
    boolean done = code >= 200 && code < 300;
    boolean refused = code >= 400 && code < 500 && code != 429;
    synchronized (queue) {
      inFlight = false;
      if (done || refused) {
        if (queue.peekFirst() == head) {
          queue.removeFirst();
          queued -= head.samples();
        }
        (done ? sent : failed).add(head.samples());
        backoffMillis = 0;
      } else {
        backoffMillis =
            Math.min(
                settings.maxBackoff().toMillis(),
                Math.max(settings.minBackoff().toMillis(), backoffMillis * 2));
      }
    }
    if (refused) {
      LOG.warn(
          "remote_write to {} refused {} samples: {} {}",
          settings.url(),
          head.samples(),
          code,
          response.body().length() > 300 ? response.body().substring(0, 300) : response.body());
    }
    if (done || refused) {
      send();
    } else {
      LOG.debug(
          "remote_write to {} failed ({}); retry in {} ms",
          settings.url(),
          error != null ? error.toString() : code,
          backoffMillis);
      executor.schedule(this::send, backoffMillis, TimeUnit.MILLISECONDS);
    }
  }
}
