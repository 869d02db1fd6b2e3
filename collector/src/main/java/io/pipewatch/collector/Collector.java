package io.pipewatch.collector;

import io.pipewatch.collector.history.SeriesRange;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
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
 * <p>Each batch is stored by the source's {@link SeriesCatalogue} (values, rates, histogram series,
 * three resolutions of history). After a batch that is the source's newest, the new {@link
 * SourceSnapshot} goes to an optional child (the BottleneckAnalyzer, given as a behavior factory so
 * this module knows nothing of it). A timer counts flush intervals without a batch; after {@code
 * stale-after-missed-flushes} the source is stale (published once to the child and the directory),
 * after {@code forget-after} the collector stops.
 *
 * <p><b>The ingest contract.</b> A batch comes either as {@link Ingest} (fire and forget, from an
 * agent in the same cluster) or as {@link Store}, which is answered only once the collector knows
 * the outcome: {@link Stored} means every sample of the batch is in this source's history; {@link
 * Refused} means nothing of it was stored, with the reason, the offending field and, for limits
 * that lift with time, how long to wait. Batches may arrive out of order or with equal timestamps:
 * any batch up to {@code lateHorizon} older than the source's newest is merged into history at its
 * place. A source's first batch registers it with the node's {@link SourceDirectory}, and every
 * batch waits (stashed) until the directory has answered, so a batch is never confirmed and then
 * dropped because the node turned the source away. A refused collector answers what it holds and
 * stops at once; a stale one that the directory evicts to make room does the same.
 *
 * <p>Bounds: a source may create at most {@code max-series-per-source} series. Samples of an {@link
 * Ingest} that cannot be stored are counted as refused, reported to the directory ({@code
 * pipewatch_refused_samples_total}) and logged at most once per {@code warn-interval}; a {@link
 * Store} is refused whole instead, and not counted there (its sender was told).
 *
 * <pre>{@code
 * CollectorSettings settings = CollectorSettings.create(system.settings().config());
 * ActorRef<SourceDirectory.Command> directory = system.systemActorOf(
 *     SourceDirectory.create(settings), "source-directory", Props.empty());
 * ActorRef<ShardingEnvelope<Collector.Command>> region =
 *     Collector.init(system, settings, directory, sourceId -> BottleneckAnalyzer.create(sourceId));
 * region.tell(new ShardingEnvelope<>("ocr", new Collector.Ingest("ocr", now, samples)));
 * CompletionStage<Collector.StoreResult> outcome = AskPattern.ask(region,
 *     replyTo -> new ShardingEnvelope<>("ocr",
 *         new Collector.Store(new Collector.Ingest("ocr", now, samples), "10.0.0.7", replyTo)),
 *     timeout, system.scheduler());
 * }</pre>
 */
public final class Collector extends AbstractBehavior<Collector.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Collector");

  /** Everything a Collector understands. */
  public sealed interface Command extends CborSerializable {}

  /** One flush of one source: every sample taken at {@code timestampMillis}. Not answered. */
  public record Ingest(String sourceId, long timestampMillis, List<Sample> samples)
      implements Command {
    public Ingest {
      samples = List.copyOf(samples);
    }
  }

  /**
   * Stores {@code batch} whole or not at all and answers {@link Stored} or {@link Refused}. {@code
   * client} names the sender for the per-client limit on new sources ("" for none).
   */
  public record Store(Ingest batch, String client, ActorRef<StoreResult> replyTo)
      implements Command {}

  /** The answer to {@link Store}: {@link Stored} or {@link Refused}. */
  public sealed interface StoreResult extends CborSerializable permits Stored, Refused {}

  /** Every sample of the batch is in the source's history. */
  public record Stored(String sourceId, int samples) implements StoreResult {}

  /**
   * Nothing of the batch was stored: {@code field} is the offending field ({@code timestamp},
   * {@code samples[3].kind}, {@code source}), {@code detail} one line naming the limit or the
   * conflict, {@code retryAfterSeconds} above 0 when the same batch may succeed later.
   */
  public record Refused(
      String sourceId, Refusal reason, String field, String detail, long retryAfterSeconds)
      implements StoreResult {}

  /** Why a batch or a source was refused. */
  public enum Refusal {
    /** Older than the source's newest batch by more than the late horizon. */
    TIMESTAMP,
    /** A sample without name or kind. */
    INVALID,
    /** A metric sent with another kind than before. */
    KIND_CHANGED,
    /** More series than {@code max-series-per-source}. */
    SERIES_LIMIT,
    /** The node holds {@code max-sources-per-node} sources, none of them stale. */
    NODE_FULL,
    /** The client started {@code new-sources-per-client-per-minute} sources in the last minute. */
    CLIENT_LIMIT,
    /** The collector is stopping (forgotten, evicted or passivated); a retry reaches a new one. */
    UNAVAILABLE,
    /** A new series with more label bytes than {@code max-label-bytes-per-series}. */
    LABEL_BUDGET,
    /** The node holds {@code max-series-per-node} series (its heap budget). */
    NODE_SERIES_BUDGET,
    /** The client (token or address) holds {@code max-sources-per-client} sources here. */
    CLIENT_SOURCES
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

  /** From the directory: give up this source's slot (it is stale and the node needs room). */
  enum Evict implements Command {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private enum StatusTick implements Command {
    INSTANCE
  }

  /** Stops the collector once the messages before it are handled (also the shard's stop). */
  private enum Stop implements Command {
    INSTANCE
  }

  private record WrappedRegistration(SourceDirectory.Registration registration)
      implements Command {}

  /** Timers are recorded in nanoseconds and stored and exposed in seconds. */
  static final double NANOS_PER_SECOND = 1e9;

  /** Batches held while the directory decides on a new source. */
  static final int STASH_CAPACITY = 1000;

  private enum State {
    /** No batch yet: not registered. */
    NEW,
    /** Registration sent; batches wait in the stash. */
    REGISTERING,
    /** Accepted by the node (or no directory). */
    ACCEPTED,
    /** Refused, evicted or forgotten: answers what comes and stops. */
    STOPPING
  }

  private final String sourceId;
  private final CollectorSettings settings;
  private final ActorRef<SourceDirectory.Command> directory;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorRef<SourceSnapshot> analyzer;
  private final StashBuffer<Command> stash;
  private final SeriesCatalogue catalogue;
  private final SeriesAdmission admission;

  private State state;
  private Refused stopReason;
  private boolean batchSinceTick;
  private int missed;
  private boolean stale;
  private boolean statusDirty;
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
                    TYPE_KEY,
                    ctx ->
                        create(
                            ctx.getEntityId(), settings, directory, snapshotChild, ctx.getShard()))
                // history must outlive quiet periods; collectors stop themselves (forget-after)
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
                // a message, so that batches already in the mailbox are answered before it
                .withStopMessage(Stop.INSTANCE));
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
    return create(sourceId, settings, directory, snapshotChild, null);
  }

  private static Behavior<Command> create(
      String sourceId,
      CollectorSettings settings,
      ActorRef<SourceDirectory.Command> directory,
      Function<String, Behavior<SourceSnapshot>> snapshotChild,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withStash(
                STASH_CAPACITY,
                stash ->
                    Behaviors.withTimers(
                        timers ->
                            new Collector(
                                ctx,
                                timers,
                                stash,
                                sourceId,
                                settings,
                                directory,
                                snapshotChild,
                                shard))));
  }

  private Collector(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      String sourceId,
      CollectorSettings settings,
      ActorRef<SourceDirectory.Command> directory,
      Function<String, Behavior<SourceSnapshot>> snapshotChild,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(context);
    this.sourceId = sourceId;
    this.settings = settings;
    this.directory = directory;
    this.shard = shard;
    this.stash = stash;
    this.catalogue = new SeriesCatalogue(settings);
    this.admission = new SeriesAdmission(NodeSeriesBudget.get(context.getSystem()), catalogue);
    this.state = directory == null ? State.ACCEPTED : State.NEW;
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
        .onMessage(Ingest.class, i -> onBatch(i, i, "", null))
        .onMessage(Store.class, s -> onBatch(s, s.batch(), s.client(), s.replyTo()))
        .onMessage(GetLatest.class, this::onGetLatest)
        .onMessage(GetSeries.class, this::onGetSeries)
        .onMessage(ListSeries.class, this::onListSeries)
        .onMessage(GetIngestCount.class, this::onGetIngestCount)
        .onMessage(WrappedRegistration.class, this::onRegistration)
        .onMessageEquals(Evict.INSTANCE, this::onEvict)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(StatusTick.INSTANCE, this::onStatusTick)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onBatch(
      Command message, Ingest batch, String client, ActorRef<StoreResult> replyTo) {
    switch (state) {
      case STOPPING -> {
        refuse(batch, replyTo, stopReason);
        return this;
      }
      case NEW -> {
        state = State.REGISTERING;
        ActorRef<SourceDirectory.Registration> adapter =
            getContext()
                .messageAdapter(SourceDirectory.Registration.class, WrappedRegistration::new);
        directory.tell(
            new SourceDirectory.Register(sourceId, getContext().getSelf(), client, adapter));
        stash.stash(message);
        return this;
      }
      case REGISTERING -> {
        if (stash.isFull()) {
          refuse(
              batch,
              replyTo,
              refusal(
                  Refusal.UNAVAILABLE, "source", "the node is still deciding on this source", 1));
        } else {
          stash.stash(message);
        }
        return this;
      }
      case ACCEPTED -> {
        return store(batch, replyTo);
      }
    }
    return this;
  }

  private Behavior<Command> store(Ingest batch, ActorRef<StoreResult> replyTo) {
    long ts = batch.timestampMillis();
    List<Sample> samples = batch.samples();
    if (replyTo != null) {
      SeriesCatalogue.Problem problem = catalogue.check(ts, samples);
      if (problem != null) {
        replyTo.tell(new Refused(sourceId, problem.reason(), problem.field(), problem.detail(), 0));
        return this;
      }
    }
    SeriesCatalogue.Problem over = admission.admit(samples);
    if (over != null) {
      if (replyTo != null) {
        long retry =
            over.reason() == Refusal.NODE_SERIES_BUDGET
                ? Math.max(1, settings.retryAfter().toSeconds())
                : 0;
        replyTo.tell(new Refused(sourceId, over.reason(), over.field(), over.detail(), retry));
      } else {
        countRefused(samples.size(), over.detail());
      }
      return this;
    }
    int refused = catalogue.store(ts, samples);
    admission.settle();
    if (refused < 0) {
      countRefused(samples.size(), catalogue.lastRefusal());
      return this;
    }
    if (refused > 0) {
      countRefused(refused, catalogue.lastRefusal());
    }
    samplesAccepted += samples.size() - refused;
    if (replyTo != null) {
      replyTo.tell(new Stored(sourceId, samples.size()));
    }
    batchSinceTick = true;
    missed = 0;
    if (stale) {
      stale = false;
      statusDirty = true;
      if (directory != null) {
        onStatusTick(); // at once: the directory must not evict a source that is back
      }
    }
    if (analyzer != null && ts >= catalogue.newest()) {
      analyzer.tell(catalogue.snapshot(sourceId, stale, missed));
    }
    return this;
  }

  private Refused refusal(Refusal reason, String field, String detail, long retryAfterSeconds) {
    return new Refused(sourceId, reason, field, detail, retryAfterSeconds);
  }

  /** Answers a {@link Store} with {@code why}, or counts an {@link Ingest}'s samples as refused. */
  private void refuse(Ingest batch, ActorRef<StoreResult> replyTo, Refused why) {
    if (replyTo != null) {
      replyTo.tell(why);
    } else {
      countRefused(batch.samples().size(), why.detail());
    }
  }

  private void countRefused(int n, String reason) {
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

  private Behavior<Command> onRegistration(WrappedRegistration wrapped) {
    SourceDirectory.Registration r = wrapped.registration();
    if (state != State.REGISTERING) {
      return this;
    }
    if (r.accepted()) {
      state = State.ACCEPTED;
    } else {
      stopSoon(refusal(r.refusal(), "source", r.detail(), r.retryAfterSeconds()));
    }
    return stash.unstashAll(this);
  }

  private Behavior<Command> onEvict() {
    if (state != State.ACCEPTED) {
      return this;
    }
    if (!stale) {
      // a batch came after the directory decided: keep the slot, the history and the promise
      directory.tell(new SourceDirectory.Reinstate(sourceId, getContext().getSelf()));
      return this;
    }
    getContext()
        .getLog()
        .info("Source '{}' evicted: stale, and the node needed its slot", sourceId);
    stopSoon(
        refusal(Refusal.UNAVAILABLE, "source", "this source was evicted; retry to start anew", 1));
    return this;
  }

  /**
   * Answers every later batch with {@code why} and stops: through the shard when sharded (batches
   * that arrive meanwhile go to the next incarnation), else by a message to itself.
   */
  private void stopSoon(Refused why) {
    if (state == State.STOPPING) {
      return;
    }
    state = State.STOPPING;
    stopReason = why;
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    } else {
      getContext().getSelf().tell(Stop.INSTANCE);
    }
  }

  private Behavior<Command> onGetLatest(GetLatest query) {
    query.replyTo().tell(catalogue.snapshot(sourceId, stale, missed));
    return stopIfNeverIngested();
  }

  private Behavior<Command> onGetSeries(GetSeries query) {
    SeriesRange r = catalogue.range(query.seriesId(), query.fromMillis(), query.toMillis());
    if (r == null) {
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
    query.replyTo().tell(new SeriesList(sourceId, catalogue.series()));
    return stopIfNeverIngested();
  }

  private Behavior<Command> onGetIngestCount(GetIngestCount query) {
    query.replyTo().tell(new IngestCount(sourceId, catalogue.batches()));
    return this;
  }

  /** A collector woken only by a query (unknown source) answers and goes away again. */
  private Behavior<Command> stopIfNeverIngested() {
    if (state == State.NEW && directory != null) {
      stopSoon(refusal(Refusal.UNAVAILABLE, "source", "collector was stopping; retry", 1));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    if (batchSinceTick) {
      batchSinceTick = false;
      return this;
    }
    if (catalogue.batches() == 0 || state == State.STOPPING) {
      return this;
    }
    missed++;
    if (!stale && missed >= settings.staleAfterMissedFlushes()) {
      stale = true;
      statusDirty = true;
      getContext().getLog().info("Source '{}' is stale: {} flushes missed", sourceId, missed);
      if (analyzer != null) {
        analyzer.tell(catalogue.snapshot(sourceId, stale, missed));
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
      stopSoon(refusal(Refusal.UNAVAILABLE, "source", "collector was stopping; retry", 1));
    }
    return this;
  }

  private Behavior<Command> onStatusTick() {
    if (state == State.REGISTERING || state == State.NEW) {
      return this;
    }
    long accepted = samplesAccepted - reportedAccepted;
    long refused = samplesRefused - reportedRefused;
    long newBatches = catalogue.batches() - reportedBatches;
    if (accepted == 0 && refused == 0 && newBatches == 0 && !statusDirty) {
      return this;
    }
    directory.tell(
        new SourceDirectory.Status(
            sourceId,
            catalogue.seriesCount(),
            catalogue.newest(),
            stale,
            newBatches,
            accepted,
            refused));
    reportedAccepted = samplesAccepted;
    reportedRefused = samplesRefused;
    reportedBatches = catalogue.batches();
    statusDirty = false;
    return this;
  }

  private Behavior<Command> onPostStop() {
    admission.releaseAll();
    stash.forEach(
        m -> {
          if (m instanceof Store s) {
            s.replyTo().tell(refusal(Refusal.UNAVAILABLE, "source", "collector stopped; retry", 1));
          } else if (m instanceof Ingest i) {
            samplesRefused += i.samples().size();
          }
        });
    if (directory != null && samplesRefused > reportedRefused) {
      directory.tell(
          new SourceDirectory.Status(
              sourceId,
              catalogue.seriesCount(),
              catalogue.newest(),
              stale,
              0,
              0,
              samplesRefused - reportedRefused));
    }
    return this;
  }
}
