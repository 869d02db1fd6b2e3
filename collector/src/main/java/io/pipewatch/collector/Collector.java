package io.pipewatch.collector;

import io.pipewatch.collector.history.SeriesRange;
import io.pipewatch.collector.history.SourceHistory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Keeps the recent history of one metric source (sharded by source id) and answers queries about
 * it.
 *
 * <p>Each {@link Ingest} batch is appended to a {@link SourceHistory}: gauges as they are, counter
 * totals as per-second rates (a total lower than the previous one is a reset: the new total is the
 * increase since the restart, as Prometheus' {@code rate()} does), histograms and timers as {@code
 * _rate}, {@code _mean} and quantile series (see {@link SeriesPoint}). After every batch the new
 * {@link SourceSnapshot} goes to an optional child (the BottleneckAnalyzer, given as a behavior
 * factory so this module knows nothing of it). A timer counts flush intervals without a batch;
 * after {@code stale-after-missed-flushes} the source is stale (published once to the child and the
 * directory), after {@code forget-after} the collector stops.
 *
 * <p>Bounds: a source may create at most {@code max-series-per-source} series; a node accepts at
 * most {@code max-sources-per-node} sources (the {@link SourceDirectory} decides on the first
 * batch). Refused samples are counted, reported to the directory and logged at most once per {@code
 * warn-interval}.
 *
 * <pre>{@code
 * CollectorSettings settings = CollectorSettings.create(system.settings().config());
 * ActorRef<SourceDirectory.Command> directory = system.systemActorOf(
 *     SourceDirectory.create(settings), "source-directory", Props.empty());
 * // null: no child per source (the server passes one that builds its BottleneckAnalyzer)
 * ActorRef<ShardingEnvelope<Collector.Command>> region =
 *     Collector.init(system, settings, directory, null);
 * region.tell(new ShardingEnvelope<>("ocr", new Collector.Ingest("ocr", now, samples)));
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 */
public final class Collector extends AbstractBehavior<Collector.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Collector");

  /** Everything a Collector understands. */
  public sealed interface Command extends CborSerializable {}

  /** One flush of one source: every sample taken at {@code timestampMillis}. */
  public record Ingest(String sourceId, long timestampMillis, List<Sample> samples)
      implements Command {
    public Ingest {
      samples = List.copyOf(samples);
    }
  }

  /** Asks for the latest values of every series; answers {@link SourceSnapshot}. */
  public record GetLatest(ActorRef<SourceSnapshot> replyTo) implements Command {}

  /**
   * Asks for series {@code seriesId} (a {@link SeriesPoint#id}) between two timestamps (inclusive),
   * read from the finest resolution whose retention covers the range; answers {@link SeriesData}.
   */
  public record GetSeries(
      String seriesId, long fromMillis, long toMillis, ActorRef<SeriesData> replyTo)
      implements Command {}

  /**
   * One series over a range: {@code known} is false for an unknown series (arrays empty); {@code
   * resolutionMillis} 0 means raw points, one per batch. Arrays have equal length, oldest first;
   * {@code min}/{@code max} are the bucket extremes (equal to {@code values} for raw points).
   */
  public record SeriesData(
      String sourceId,
      String seriesId,
      boolean known,
      long resolutionMillis,
      long[] timestamps,
      double[] values,
      double[] min,
      double[] max)
      implements CborSerializable {}

  /** Asks for the series this source has; answers {@link SeriesList}. */
  public record ListSeries(ActorRef<SeriesList> replyTo) implements Command {}

  public record SeriesList(String sourceId, List<SeriesInfo> series) implements CborSerializable {}

  /**
   * One stored series: its id, metric name (derived, e.g. {@code latency_p99}), labels and kind.
   */
  public record SeriesInfo(String id, String name, Map<String, String> labels, MetricKind kind)
      implements CborSerializable {}

  /** Asks how many batches this collector has taken in; answers {@link IngestCount}. */
  public record GetIngestCount(ActorRef<IngestCount> replyTo) implements Command {}

  public record IngestCount(String sourceId, long batches) implements CborSerializable {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum StatusTick implements Command {
    INSTANCE
  }

  private record WrappedRegistration(SourceDirectory.Registration registration)
      implements Command {}

  /** Timers are recorded in nanoseconds and stored and exposed in seconds. */
  static final double NANOS_PER_SECOND = 1e9;

  private static final String[] HISTOGRAM_SUFFIXES = {
    "_rate", "_mean", "_p50", "_p90", "_p95", "_p99", "_max"
  };

  private final String sourceId;
  private final CollectorSettings settings;
  private final ActorRef<SourceDirectory.Command> directory;
  private final ActorRef<SourceSnapshot> analyzer;
  private final TimerScheduler<Command> timers;

  private SourceHistory history;
  private final Map<String, Map<Map<String, String>, MetricState>> metrics = new HashMap<>();
  private final List<MetricState> metricList = new ArrayList<>();
  private final List<SeriesInfo> seriesInfo = new ArrayList<>();
  private final Map<String, Integer> seriesById = new HashMap<>();
  private double[] lastValue = new double[0];
  private long[] lastValueAt = new long[0];

  private boolean registrationSent;
  private boolean registrationAnswered;
  private long lastRegisterNanos;
  private boolean refusedByNode;
  private boolean batchSinceTick;
  private int missed;
  private boolean stale;
  private boolean statusDirty;
  private long batches;
  private long samplesAccepted;
  private long samplesRefused;
  private long reportedAccepted;
  private long reportedRefused;
  private long reportedBatches;
  private long lastWarnNanos = Long.MIN_VALUE;
  private long refusedSinceWarn;

  /**
   * Starts the sharding region for collectors on this node and returns it. {@code directory} is the
   * node's {@link SourceDirectory}; {@code snapshotChild} (nullable) builds the child each
   * collector spawns and feeds with every snapshot.
   */
  public static ActorRef<ShardingEnvelope<Command>> init(
      ActorSystem<?> system,
      CollectorSettings settings,
      ActorRef<SourceDirectory.Command> directory,
      Function<String, Behavior<SourceSnapshot>> snapshotChild) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, directory, snapshotChild))
                // history must outlive quiet periods; collectors stop themselves (forget-after)
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** A collector without directory or snapshot child (tests, benchmarks). */
  public static Behavior<Command> create(String sourceId, CollectorSettings settings) {
    return create(sourceId, settings, null, null);
  }

  /**
   * A collector for {@code sourceId}. {@code directory} may be null (no node cap, no registry);
   * {@code snapshotChild} may be null (no child).
   */
  public static Behavior<Command> create(
      String sourceId,
      CollectorSettings settings,
      ActorRef<SourceDirectory.Command> directory,
      Function<String, Behavior<SourceSnapshot>> snapshotChild) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new Collector(ctx, timers, sourceId, settings, directory, snapshotChild)));
  }

  private Collector(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String sourceId,
      CollectorSettings settings,
      ActorRef<SourceDirectory.Command> directory,
      Function<String, Behavior<SourceSnapshot>> snapshotChild) {
    super(context);
    this.sourceId = sourceId;
    this.settings = settings;
    this.directory = directory;
    this.timers = timers;
    this.history = new SourceHistory(settings.history());
    this.analyzer =
        snapshotChild == null
            ? null
            : context.spawn(
                Behaviors.supervise(snapshotChild.apply(sourceId))
                    .onFailure(SupervisorStrategy.restart()),
                "analyzer");
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.flushInterval());
    if (directory != null) {
      timers.startTimerWithFixedDelay(StatusTick.INSTANCE, settings.statusInterval());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ingest.class, this::onIngest)
        .onMessage(GetLatest.class, this::onGetLatest)
        .onMessage(GetSeries.class, this::onGetSeries)
        .onMessage(ListSeries.class, this::onListSeries)
        .onMessage(GetIngestCount.class, this::onGetIngestCount)
        .onMessage(WrappedRegistration.class, this::onRegistration)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(StatusTick.INSTANCE, this::onStatusTick)
        .build();
  }

  private Behavior<Command> onIngest(Ingest ingest) {
    List<Sample> samples = ingest.samples();
    if (refusedByNode) {
      refuse(samples.size(), "this node holds max-sources-per-node sources already");
      batchSinceTick = true;
      missed = 0;
      if (System.nanoTime() - lastRegisterNanos >= settings.warnInterval().toNanos()) {
        register(); // ask again: a source may have gone since
      }
      return this;
    }
    if (!registrationSent && directory != null) {
      registrationSent = true;
      register();
    }
    long ts = ingest.timestampMillis();
    if (!history.begin(ts)) {
      refuse(samples.size(), "batch older than the last one");
      return this;
    }
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample sample = samples.get(i);
      MetricState m = metric(sample);
      if (m == null) {
        continue;
      }
      m.apply(sample, ts, history);
      samplesAccepted++;
    }
    history.end();
    for (int s = 0, n = history.seriesCount(); s < n; s++) {
      double v = history.current(s);
      if (!Double.isNaN(v)) {
        lastValue[s] = v;
        lastValueAt[s] = ts;
      }
    }
    batches++;
    batchSinceTick = true;
    missed = 0;
    if (stale) {
      stale = false;
      statusDirty = true;
    }
    if (analyzer != null) {
      analyzer.tell(snapshot());
    }
    return this;
  }

  private void register() {
    lastRegisterNanos = System.nanoTime();
    registrationAnswered = false;
    ActorRef<SourceDirectory.Registration> adapter =
        getContext().messageAdapter(SourceDirectory.Registration.class, WrappedRegistration::new);
    directory.tell(new SourceDirectory.Register(sourceId, getContext().getSelf(), adapter));
  }

  /** Finds or creates the metric of a sample; null (and counted) when refused. */
  private MetricState metric(Sample sample) {
    if (sample == null || sample.name() == null || sample.kind() == null) {
      refuse(1, "sample without name or kind");
      return null;
    }
    Map<Map<String, String>, MetricState> byLabels = metrics.get(sample.name());
    MetricState m = byLabels == null ? null : byLabels.get(sample.labels());
    if (m != null) {
      if (m.kind != sample.kind()) {
        refuse(1, "metric " + m.id + " changed kind from " + m.kind + " to " + sample.kind());
        return null;
      }
      return m;
    }
    int needed = isHistogram(sample.kind()) ? HISTOGRAM_SUFFIXES.length : 1;
    if (history.seriesCount() + needed > settings.maxSeriesPerSource()) {
      refuse(1, "source is at max-series-per-source " + settings.maxSeriesPerSource());
      return null;
    }
    m = new MetricState(sample.name(), sample.labels(), sample.kind(), history.seriesCount());
    if (isHistogram(sample.kind())) {
      for (String suffix : HISTOGRAM_SUFFIXES) {
        addSeries(sample.name() + suffix, sample.labels(), sample.kind());
      }
    } else {
      addSeries(sample.name(), sample.labels(), sample.kind());
    }
    metrics.computeIfAbsent(sample.name(), k -> new HashMap<>()).put(sample.labels(), m);
    metricList.add(m);
    statusDirty = true;
    return m;
  }

  private void addSeries(String name, Map<String, String> labels, MetricKind kind) {
    int s = history.addSeries();
    String id = SeriesPoint.id(name, labels);
    seriesInfo.add(new SeriesInfo(id, name, labels, kind));
    seriesById.put(id, s);
    lastValue = Arrays.copyOf(lastValue, s + 1);
    lastValue[s] = Double.NaN;
    lastValueAt = Arrays.copyOf(lastValueAt, s + 1);
  }

  private static boolean isHistogram(MetricKind kind) {
    return kind == MetricKind.HISTOGRAM || kind == MetricKind.TIMER;
  }

  private void refuse(int n, String reason) {
    samplesRefused += n;
    refusedSinceWarn += n;
    long now = System.nanoTime();
    if (lastWarnNanos == Long.MIN_VALUE
        || now - lastWarnNanos >= settings.warnInterval().toNanos()) {
      getContext()
          .getLog()
          .warn(
              "Source '{}': refused {} sample(s) since the last warning ({} in all); latest reason: {}",
              sourceId,
              refusedSinceWarn,
              samplesRefused,
              reason);
      lastWarnNanos = now;
      refusedSinceWarn = 0;
    }
  }

  private SourceSnapshot snapshot() {
    List<SeriesPoint> points = new ArrayList<>(seriesInfo.size());
    for (int s = 0; s < seriesInfo.size(); s++) {
      double v = lastValue[s];
      if (!Double.isNaN(v)) {
        SeriesInfo info = seriesInfo.get(s);
        points.add(
            new SeriesPoint(info.id(), info.name(), info.labels(), info.kind(), v, lastValueAt[s]));
      }
    }
    List<Sample> latest = new ArrayList<>(metricList.size());
    for (MetricState m : metricList) {
      if (m.lastSample != null) {
        latest.add(m.lastSample);
      }
    }
    long ts = batches == 0 ? 0 : history.lastTimestamp();
    return new SourceSnapshot(sourceId, ts, stale, missed, points, latest);
  }

  private Behavior<Command> onGetLatest(GetLatest query) {
    query.replyTo().tell(snapshot());
    return stopIfNeverIngested();
  }

  private Behavior<Command> onGetSeries(GetSeries query) {
    Integer s = seriesById.get(query.seriesId());
    if (s == null) {
      query
          .replyTo()
          .tell(
              new SeriesData(
                  sourceId,
                  query.seriesId(),
                  false,
                  0,
                  new long[0],
                  new double[0],
                  new double[0],
                  new double[0]));
      return stopIfNeverIngested();
    }
    SeriesRange r = history.range(s, query.fromMillis(), query.toMillis());
    query
        .replyTo()
        .tell(
            new SeriesData(
                sourceId,
                query.seriesId(),
                true,
                r.resolutionMillis(),
                r.timestamps(),
                r.values(),
                r.min(),
                r.max()));
    return this;
  }

  private Behavior<Command> onListSeries(ListSeries query) {
    query.replyTo().tell(new SeriesList(sourceId, List.copyOf(seriesInfo)));
    return stopIfNeverIngested();
  }

  private Behavior<Command> onGetIngestCount(GetIngestCount query) {
    query.replyTo().tell(new IngestCount(sourceId, batches));
    return this;
  }

  /** A collector woken only by a query (unknown source) answers and goes away again. */
  private Behavior<Command> stopIfNeverIngested() {
    return batches == 0 && samplesRefused == 0 && directory != null ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onRegistration(WrappedRegistration wrapped) {
    registrationAnswered = true;
    if (wrapped.registration().accepted()) {
      if (refusedByNode) {
        refusedByNode = false; // the node has room now; history starts from the next batch
        getContext()
            .getLog()
            .info("Source '{}' accepted by the node after being refused", sourceId);
      }
      return this;
    }
    if (refusedByNode) {
      return this;
    }
    refusedByNode = true;
    long dropped = samplesAccepted;
    samplesAccepted = 0;
    reportedAccepted = 0;
    samplesRefused += dropped;
    // keep nothing: a refused source must not cost history memory
    history = new SourceHistory(settings.history());
    metrics.clear();
    metricList.clear();
    seriesInfo.clear();
    seriesById.clear();
    lastValue = new double[0];
    lastValueAt = new long[0];
    refuse(0, wrapped.registration().reason());
    return this;
  }

  private Behavior<Command> onTick() {
    if (batchSinceTick) {
      batchSinceTick = false;
      return this;
    }
    if (batches == 0 && !refusedByNode) {
      return this;
    }
    missed++;
    if (!stale && missed >= settings.staleAfterMissedFlushes()) {
      stale = true;
      statusDirty = true;
      getContext().getLog().info("Source '{}' is stale: {} flushes missed", sourceId, missed);
      if (analyzer != null) {
        analyzer.tell(snapshot());
      }
      if (directory != null) {
        onStatusTick();
      }
    }
    if ((long) missed * settings.flushInterval().toMillis() >= settings.forgetAfter().toMillis()) {
      getContext().getLog().info("Source '{}' forgotten after {} missed flushes", sourceId, missed);
      if (directory != null) {
        onStatusTick();
      }
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<Command> onStatusTick() {
    if (registrationSent && !registrationAnswered) {
      return this; // accepted samples might still be refused with the source
    }
    long accepted = samplesAccepted - reportedAccepted;
    long refused = samplesRefused - reportedRefused;
    long newBatches = batches - reportedBatches;
    if (accepted == 0 && refused == 0 && newBatches == 0 && !statusDirty) {
      return this;
    }
    directory.tell(
        new SourceDirectory.Status(
            sourceId,
            refusedByNode ? 0 : history.seriesCount(),
            batches == 0 ? 0 : history.lastTimestamp(),
            stale,
            newBatches,
            accepted,
            refused));
    reportedAccepted = samplesAccepted;
    reportedRefused = samplesRefused;
    reportedBatches = batches;
    statusDirty = false;
    return this;
  }

  /** Per metric: where its series start and what the previous batch said (for rates). */
  private static final class MetricState {
    final String id;
    final MetricKind kind;
    final int firstSeries;
    long prevTs = Long.MIN_VALUE;
    double prevTotal;
    double prevSum;
    Sample lastSample;

    MetricState(String name, Map<String, String> labels, MetricKind kind, int firstSeries) {
      this.id = SeriesPoint.id(name, labels);
      this.kind = kind;
      this.firstSeries = firstSeries;
    }

    void apply(Sample sample, long ts, SourceHistory h) {
      lastSample = sample;
      switch (kind) {
        case GAUGE -> h.put(firstSeries, finite(sample.value()));
        case COUNTER -> {
          double total = sample.value();
          if (!Double.isFinite(total)) {
            return;
          }
          if (prevTs != Long.MIN_VALUE && ts > prevTs) {
            double increase = total >= prevTotal ? total - prevTotal : total; // reset
            h.put(firstSeries, increase * 1000.0 / (ts - prevTs));
          }
          if (prevTs == Long.MIN_VALUE || ts > prevTs) {
            prevTotal = total;
            prevTs = ts;
          }
        }
        case HISTOGRAM, TIMER -> applyHistogram(sample, ts, h);
      }
    }

    private void applyHistogram(Sample sample, long ts, SourceHistory h) {
      HistogramValue hv = sample.histogram();
      double count = hv == null ? sample.value() : hv.count();
      double sum = hv == null ? Double.NaN : hv.sum();
      if (!Double.isFinite(count)) {
        return;
      }
      boolean first = prevTs == Long.MIN_VALUE;
      if (!first && ts <= prevTs) {
        return;
      }
      double dCount;
      double dSum;
      if (first) {
        dCount = count;
        dSum = sum;
      } else if (count >= prevTotal) {
        dCount = count - prevTotal;
        dSum = sum - prevSum;
      } else { // reset: everything since the restart
        dCount = count;
        dSum = sum;
      }
      if (!first) {
        h.put(firstSeries, dCount * 1000.0 / (ts - prevTs));
      }
      if (dCount > 0) {
        // timers arrive in nanoseconds; stored series are in seconds, Prometheus's base unit
        double unit = sample.kind() == MetricKind.TIMER ? NANOS_PER_SECOND : 1.0;
        h.put(firstSeries + 1, finite(dSum / dCount / unit));
        if (hv != null) {
          h.put(firstSeries + 2, finite(hv.p50() / unit));
          h.put(firstSeries + 3, finite(hv.p90() / unit));
          h.put(firstSeries + 4, finite(hv.p95() / unit));
          h.put(firstSeries + 5, finite(hv.p99() / unit));
          h.put(firstSeries + 6, finite(hv.max() / unit));
        }
      }
      prevTotal = count;
      prevSum = sum;
      prevTs = ts;
    }

    private static double finite(double v) {
      return Double.isFinite(v) ? v : Double.NaN;
    }
  }
}
