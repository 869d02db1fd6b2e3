package io.pipewatch.collector.agent;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics agent a pipeline service embeds. The service resolves each metric handle once and
 * records into it from any thread (lock-free, allocation-free); every flush interval the agent
 * reads all handles and hands one {@link Collector.Ingest} batch to its sink — typically a {@code
 * tell} to the Collector sharding region, or an HTTP client posting to {@code /api/ingest}. It also
 * owns the service's {@link Knob}s, which the optimizer changes through {@link #changeSetting}.
 *
 * <pre>{@code
 * ActorRef<ShardingEnvelope<Collector.Command>> region = Collector.init(system, ...);
 * Agent agent = Agent.create("ocr-service",
 *     batch -> region.tell(new ShardingEnvelope<>(batch.sourceId(), batch)));
 * Counter done = agent.counter("documents_processed", "stage", "ocr");
 * Timer latency = agent.timer("document_latency", "stage", "ocr");
 * agent.knob(KnobSpec.numeric("workers", "OCR worker threads", 1, 32, 1, 4),
 *     v -> pool.setCorePoolSize((int) v));
 * agent.startFlushing(Duration.ofMillis(100));
 * ...
 * done.inc();
 * latency.recordNanos(elapsed);
 * ...
 * agent.close(); // final flush
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 *
 * <p>Handles are looked up in a concurrent map only when resolved; asking twice for the same name
 * and labels returns the same handle. Asking for an existing name and labels with another kind is
 * an error. Flushes are serialised; only the flush allocates (the batch).
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final String sourceId;
  private final Consumer<Collector.Ingest> sink;
  private final ConcurrentHashMap<MetricId, Registered> byId = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Registered> registered = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Knob> knobs = new ConcurrentHashMap<>();
  private final Object flushLock = new Object();
  private ScheduledExecutorService flusher;
  private boolean closed;

  private Agent(String sourceId, Consumer<Collector.Ingest> sink) {
    this.sourceId = sourceId;
    this.sink = sink;
  }

  /** An agent reporting as {@code sourceId}, handing each batch to {@code sink}. */
  public static Agent create(String sourceId, Consumer<Collector.Ingest> sink) {
    if (sourceId == null || sourceId.isBlank()) {
      throw new IllegalArgumentException("sourceId must not be blank");
    }
    return new Agent(sourceId, Objects.requireNonNull(sink, "sink"));
  }

  public String sourceId() {
    return sourceId;
  }

  /** The counter {@code name} with labels {@code k1, v1, k2, v2, ...}. */
  public Counter counter(String name, String... labelKeyValues) {
    return (Counter) resolve(name, MetricKind.COUNTER, labelKeyValues).handle;
  }

  public Gauge gauge(String name, String... labelKeyValues) {
    return (Gauge) resolve(name, MetricKind.GAUGE, labelKeyValues).handle;
  }

  /** A histogram of long values (HdrHistogram, 3 significant digits). */
  public Histogram histogram(String name, String... labelKeyValues) {
    return (Histogram) resolve(name, MetricKind.HISTOGRAM, labelKeyValues).handle;
  }

  /** A histogram of nanoseconds. */
  public Timer timer(String name, String... labelKeyValues) {
    return (Timer) resolve(name, MetricKind.TIMER, labelKeyValues).handle;
  }

  /**
   * Registers a tunable setting; {@code onChange} is called (before the value is updated) on every
   * accepted {@link #changeSetting}. A knob name can be registered once.
   */
  public Knob knob(KnobSpec spec, DoubleConsumer onChange) {
    Knob knob = new Knob(spec, Objects.requireNonNull(onChange, "onChange"));
    Knob previous = knobs.putIfAbsent(spec.name(), knob);
    if (previous != null) {
      throw new IllegalArgumentException("knob '" + spec.name() + "' is already registered");
    }
    return knob;
  }

  /** Every knob's spec with its current value, sorted by name. */
  public List<KnobSpec> knobs() {
    List<KnobSpec> out = new ArrayList<>(knobs.size());
    for (Knob k : knobs.values()) {
      out.add(k.spec());
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return List.copyOf(out);
  }

  /**
   * Changes a knob: validates (unknown knob, out of range, off the step grid, non-finite → {@link
   * IllegalArgumentException} naming the knob and the rule), calls its listener, then stores the
   * value. If the listener throws, the value stays as it was.
   */
  public void changeSetting(String knob, double value) {
    Knob k = knobs.get(knob);
    if (k == null) {
      throw new IllegalArgumentException(
          "unknown knob '"
              + knob
              + "' for source '"
              + sourceId
              + "'; known knobs: "
              + knobs.keySet().stream().sorted().toList());
    }
    k.change(value);
  }

  /** Reads every metric now, hands the batch to the sink and returns it. */
  public Collector.Ingest flush(long timestampMillis) {
    Collector.Ingest batch;
    synchronized (flushLock) {
      List<Sample> samples = new ArrayList<>(registered.size());
      for (Registered r : registered) {
        samples.add(r.sample());
      }
      batch = new Collector.Ingest(sourceId, timestampMillis, samples);
    }
    sink.accept(batch);
    return batch;
  }

  /** Starts flushing with the configured {@code pipewatch.collector.flush-interval} (100 ms). */
  public void startFlushing() {
    startFlushing(
        SettingsReader.of(ConfigFactory.load(), "pipewatch.collector")
            .positiveDuration("flush-interval"));
  }

  /**
   * Starts (or restarts) a daemon thread that flushes every {@code interval} of wall-clock time.
   */
  public synchronized void startFlushing(Duration interval) {
    if (closed) {
      throw new IllegalStateException("agent '" + sourceId + "' is closed");
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("flush interval must be positive, got " + interval);
    }
    stopFlusher();
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pipewatch-agent-flush-" + sourceId);
              t.setDaemon(true);
              return t;
            });
    long nanos = interval.toNanos();
    flusher.scheduleAtFixedRate(this::flushSafely, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Stops flushing and sends a final batch. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopFlusher();
    flushSafely();
  }

  private void stopFlusher() {
    if (flusher != null) {
      flusher.shutdownNow();
      try {
        flusher.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      flusher = null;
    }
  }

  private void flushSafely() {
    try {
      flush(System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.warn("Agent '{}' could not hand its batch to the sink: {}", sourceId, e.toString());
    }
  }

  private Registered resolve(String name, MetricKind kind, String[] labelKeyValues) {
    MetricId id = new MetricId(name, labels(name, labelKeyValues));
    Registered r = byId.computeIfAbsent(id, key -> newRegistered(key, kind));
    if (r.kind != kind) {
      throw new IllegalArgumentException(
          "metric " + id + " is already registered as " + r.kind + ", not " + kind);
    }
    return r;
  }

  private Registered newRegistered(MetricId id, MetricKind kind) {
    Object handle =
        switch (kind) {
          case COUNTER -> new Counter();
          case GAUGE -> new Gauge();
          case HISTOGRAM -> new Histogram();
          case TIMER -> new Timer();
        };
    Registered r = new Registered(id, kind, handle);
    registered.add(r);
    return r;
  }

  private static Map<String, String> labels(String name, String[] kv) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("metric name must not be blank");
    }
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException(
          "metric '" + name + "': labels must be key, value pairs, got " + kv.length + " strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i] == null || kv[i].isBlank() || kv[i + 1] == null) {
        throw new IllegalArgumentException(
            "metric '" + name + "': label keys must be non-blank and values non-null");
      }
      if (out.put(kv[i], kv[i + 1]) != null) {
        throw new IllegalArgumentException("metric '" + name + "': label '" + kv[i] + "' repeated");
      }
    }
    return Map.copyOf(out);
  }

  private record MetricId(String name, Map<String, String> labels) {
    @Override
    public String toString() {
      return name + labels;
    }
  }

  private static final class Registered {
    final MetricId id;
    final MetricKind kind;
    final Object handle;

    Registered(MetricId id, MetricKind kind, Object handle) {
      this.id = id;
      this.kind = kind;
      this.handle = handle;
    }

    Sample sample() {
      return switch (kind) {
        case COUNTER -> Sample.counter(id.name(), id.labels(), ((Counter) handle).total());
        case GAUGE -> Sample.gauge(id.name(), id.labels(), ((Gauge) handle).value());
        case HISTOGRAM -> histogramSample(((Histogram) handle).snapshot());
        case TIMER -> histogramSample(((Timer) handle).histogram().snapshot());
      };
    }

    private Sample histogramSample(HistogramValue h) {
      return new Sample(id.name(), id.labels(), kind, h.count(), h);
    }
  }
}
