package io.pipewatch.collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The node's registry of the sources whose {@link Collector}s run here (one per node; spawn it
 * before {@link Collector#init}). A collector registers on its first batch (its batches wait for
 * the answer). The directory enforces two limits there:
 *
 * <ul>
 *   <li>{@code max-sources-per-node}: when the node is full, the stale source that has been quiet
 *       longest gives up its slot (its collector stops and its history goes; until then it keeps
 *       it); with no stale source the new one is refused ({@link Collector.Refusal#NODE_FULL},
 *       retry after {@code retry-after}). A source evicted just as it sent a batch again is put
 *       back ({@link Reinstate}), so the node may hold one source more than the cap for a moment.
 *   <li>{@code new-sources-per-client-per-minute}: one client (the HTTP sender's address) may start
 *       only so many new sources in any 60 s ({@link Collector.Refusal#CLIENT_LIMIT}, retry once
 *       the oldest of them is a minute old), so one client cannot take every slot. Sources of
 *       in-process agents (client "") are not limited.
 * </ul>
 *
 * <p>Collectors report their figures every {@code status-interval}; the directory answers:
 *
 * <ul>
 *   <li>{@link ListSources} — the sources of this node (for {@code GET /api/sources});
 *   <li>{@link GetLatestAll} — every source's latest {@link SourceSnapshot}, gathered by a
 *       short-lived child within {@code query-timeout} (for {@code GET /metrics}); {@link
 *       GetLatestAllWithin} the same within a shorter deadline of the caller's (for {@code GET
 *       /api/metrics}, which asks every node);
 *   <li>{@link GetFigures} — Pipewatch's own figures for {@code /metrics}.
 * </ul>
 *
 * <p>Sharding places each source's collector on one node, so each directory knows only its node's
 * sources. Every directory registers with the {@link Receptionist} under {@link #SERVICE_KEY}; a
 * cluster-wide view (the api module's {@code FanOut}) asks every directory listed there with a
 * deadline and concatenates (source ids are unique across the cluster but for a moment during a
 * shard handover). On a single node the local directory is the whole view.
 *
 * <pre>{@code
 * ActorRef<SourceDirectory.Command> directory =
 *     system.systemActorOf(SourceDirectory.create(settings), "source-directory", Props.empty());
 * CompletionStage<SourceDirectory.SourceList> sources =
 *     AskPattern.ask(directory, SourceDirectory.ListSources::new, timeout, system.scheduler());
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 */
public final class SourceDirectory extends AbstractBehavior<SourceDirectory.Command> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "pipewatch-source-directory");

  /** Everything the directory understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A collector's first batch, sent by {@code client} ("" for in-process agents): may it keep
   * history here? Answers {@link Registration}.
   */
  public record Register(
      String sourceId,
      ActorRef<Collector.Command> collector,
      String client,
      ActorRef<Registration> replyTo)
      implements Command {}

  /**
   * The answer to {@link Register}; when refused, why ({@code refusal}, {@code detail} naming the
   * limit) and when to try again.
   */
  public record Registration(
      String sourceId,
      boolean accepted,
      Collector.Refusal refusal,
      String detail,
      long retryAfterSeconds)
      implements CborSerializable {
    static Registration accepted(String sourceId) {
      return new Registration(sourceId, true, null, "", 0);
    }
  }

  /** An evicted collector that was no longer stale keeps its slot after all. */
  record Reinstate(String sourceId, ActorRef<Collector.Command> collector) implements Command {}

  /** A collector's periodic report; the counts are increases since its previous report. */
  public record Status(
      String sourceId,
      int series,
      long lastTimestampMillis,
      boolean stale,
      long newBatches,
      long newSamples,
      long newRefused)
      implements Command {}

  /** Asks for the sources of this node; answers {@link SourceList}. */
  public record ListSources(ActorRef<SourceList> replyTo) implements Command {}

  public record SourceList(List<SourceInfo> sources) implements CborSerializable {}

  /** One source as last reported by its collector. */
  public record SourceInfo(
      String sourceId, int series, long lastTimestampMillis, boolean stale, long samples)
      implements CborSerializable {}

  /** Asks for every source's latest snapshot; answers {@link LatestSnapshots}. */
  public record GetLatestAll(ActorRef<LatestSnapshots> replyTo) implements Command {}

  /**
   * As {@link GetLatestAll}, answering within {@code withinMillis} or {@code query-timeout},
   * whichever is shorter: a caller with a deadline of its own (a cluster-wide query) gets this
   * node's partial answer in time instead of none.
   */
  public record GetLatestAllWithin(ActorRef<LatestSnapshots> replyTo, long withinMillis)
      implements Command {}

  /**
   * Latest snapshots by source id order; {@code unanswered} lists sources whose collector did not
   * answer within {@code query-timeout}.
   */
  public record LatestSnapshots(List<SourceSnapshot> snapshots, List<String> unanswered)
      implements CborSerializable {}

  /** Asks for Pipewatch's own figures on this node; answers {@link NodeFigures}. */
  public record GetFigures(ActorRef<NodeFigures> replyTo) implements Command {}

  /**
   * Pipewatch's own figures on this node: sources and series held, totals since start of batches,
   * samples taken and refused, sources refused (node full), and the ingest rate in samples/s over
   * the last {@code status-interval}-based window.
   */
  public record NodeFigures(
      int sources,
      int staleSources,
      long series,
      long batches,
      long samples,
      long refusedSamples,
      long refusedSources,
      double ingestRatePerSecond)
      implements CborSerializable {
    public static final NodeFigures EMPTY = new NodeFigures(0, 0, 0, 0, 0, 0, 0, 0);
  }

  private record CollectorStopped(String sourceId, ActorRef<Collector.Command> collector)
      implements Command {}

  private enum RateTick implements Command {
    INSTANCE
  }

  private static final class Entry {
    final ActorRef<Collector.Command> collector;
    int series;
    long lastTimestampMillis;
    boolean stale;
    long samples;

    Entry(ActorRef<Collector.Command> collector) {
      this.collector = collector;
    }
  }

  private final CollectorSettings settings;
  private final Map<String, Entry> sources = new HashMap<>();
  private long batches;
  private long samples;
  private long refusedSamples;
  private long refusedSources;
  private long evictedSources;
  private final ClientLimits clientLimits;
  private final ClientSources clientSources;
  private long rateBase;
  private long rateBaseNanos = System.nanoTime();
  private double ingestRate;
  private long lastWarnNanos = Long.MIN_VALUE;
  private long refusedSinceWarn;
  private int aggregations;

  public static Behavior<Command> create(CollectorSettings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(RateTick.INSTANCE, settings.statusInterval());
                  ctx.getSystem()
                      .receptionist()
                      .tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
                  return new SourceDirectory(ctx, settings);
                }));
  }

  private SourceDirectory(ActorContext<Command> context, CollectorSettings settings) {
    super(context);
    this.settings = settings;
    this.clientLimits =
        new ClientLimits(settings.newSourcesPerClientPerMinute(), Duration.ofMinutes(1));
    this.clientSources =
        new ClientSources(NodeSeriesBudget.get(context.getSystem()).budget().maxSourcesPerClient());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Reinstate.class, this::onReinstate)
        .onMessage(Status.class, this::onStatus)
        .onMessage(CollectorStopped.class, this::onStopped)
        .onMessage(ListSources.class, this::onList)
        .onMessage(GetLatestAll.class, q -> onLatestAll(q.replyTo(), 0))
        .onMessage(GetLatestAllWithin.class, q -> onLatestAll(q.replyTo(), q.withinMillis()))
        .onMessage(GetFigures.class, this::onFigures)
        .onMessageEquals(RateTick.INSTANCE, this::onRateTick)
        .build();
  }

  private Behavior<Command> onRegister(Register r) {
    Entry existing = sources.get(r.sourceId());
    if (existing != null && existing.collector.equals(r.collector())) {
      r.replyTo().tell(Registration.accepted(r.sourceId()));
      return this;
    }
    long now = System.nanoTime();
    String client = r.client() == null ? "" : r.client();
    if (existing == null && !client.isEmpty()) {
      long wait = clientLimits.waitNanos(client, now);
      if (wait > 0) {
        refuseSource(
            r,
            Collector.Refusal.CLIENT_LIMIT,
            "client "
                + client
                + " started new-sources-per-client-per-minute = "
                + settings.newSourcesPerClientPerMinute()
                + " sources in the last minute",
            Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
        return this;
      }
    }
    if (existing == null && !clientSources.mayAdd(client)) {
      refuseSource(
          r,
          Collector.Refusal.CLIENT_SOURCES,
          client + " holds max-sources-per-client = " + clientSources.limit() + " sources here",
          Math.max(1, settings.retryAfter().toSeconds()));
      return this;
    }
    if (existing == null && sources.size() >= settings.maxSourcesPerNode() && !evictStalest()) {
      refuseSource(
          r,
          Collector.Refusal.NODE_FULL,
          "node holds max-sources-per-node = "
              + settings.maxSourcesPerNode()
              + " sources, none of them stale",
          Math.max(1, settings.retryAfter().toSeconds()));
      return this;
    }
    if (existing == null && !client.isEmpty()) {
      clientLimits.record(client, now);
    }
    sources.put(r.sourceId(), new Entry(r.collector()));
    clientSources.add(client, r.sourceId());
    getContext().watchWith(r.collector(), new CollectorStopped(r.sourceId(), r.collector()));
    r.replyTo().tell(Registration.accepted(r.sourceId()));
    return this;
  }

  /** Evicts the stale source quiet for longest; false when no source is stale. */
  private boolean evictStalest() {
    String victim = null;
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<String, Entry> e : sources.entrySet()) {
      if (e.getValue().stale && e.getValue().lastTimestampMillis < oldest) {
        oldest = e.getValue().lastTimestampMillis;
        victim = e.getKey();
      }
    }
    if (victim == null) {
      return false;
    }
    Entry gone = sources.remove(victim);
    clientSources.remove(victim);
    evictedSources++;
    gone.collector.tell(Collector.Evict.INSTANCE);
    return true;
  }

  private void refuseSource(
      Register r, Collector.Refusal refusal, String detail, long retryAfterSeconds) {
    refusedSources++;
    refusedSinceWarn++;
    long now = System.nanoTime();
    if (lastWarnNanos == Long.MIN_VALUE
        || now - lastWarnNanos >= settings.warnInterval().toNanos()) {
      getContext()
          .getLog()
          .warn(
              "Refused {} source(s) since the last warning ({} in all), latest '{}': {}",
              refusedSinceWarn,
              refusedSources,
              r.sourceId(),
              detail);
      lastWarnNanos = now;
      refusedSinceWarn = 0;
    }
    r.replyTo().tell(new Registration(r.sourceId(), false, refusal, detail, retryAfterSeconds));
  }

  private Behavior<Command> onReinstate(Reinstate r) {
    if (!sources.containsKey(r.sourceId())) {
      Entry e = new Entry(r.collector());
      sources.put(r.sourceId(), e);
      getContext().watchWith(r.collector(), new CollectorStopped(r.sourceId(), r.collector()));
    }
    return this;
  }

  private Behavior<Command> onStatus(Status s) {
    batches += s.newBatches();
    samples += s.newSamples();
    refusedSamples += s.newRefused();
    Entry e = sources.get(s.sourceId());
    if (e != null) {
      e.series = s.series();
      e.lastTimestampMillis = s.lastTimestampMillis();
      e.stale = s.stale();
      e.samples += s.newSamples();
    }
    return this;
  }

  private Behavior<Command> onStopped(CollectorStopped stopped) {
    Entry e = sources.get(stopped.sourceId());
    if (e != null && e.collector.equals(stopped.collector())) {
      sources.remove(stopped.sourceId());
      clientSources.remove(stopped.sourceId());
    }
    return this;
  }

  private Behavior<Command> onList(ListSources query) {
    List<SourceInfo> out = new ArrayList<>(sources.size());
    sources.forEach(
        (id, e) ->
            out.add(new SourceInfo(id, e.series, e.lastTimestampMillis, e.stale, e.samples)));
    out.sort(Comparator.comparing(SourceInfo::sourceId));
    query.replyTo().tell(new SourceList(out));
    return this;
  }

  private Behavior<Command> onLatestAll(ActorRef<LatestSnapshots> replyTo, long withinMillis) {
    Map<String, ActorRef<Collector.Command>> targets = new HashMap<>();
    sources.forEach((id, e) -> targets.put(id, e.collector));
    if (targets.isEmpty()) {
      replyTo.tell(new LatestSnapshots(List.of(), List.of()));
      return this;
    }
    Duration within = settings.queryTimeout();
    if (withinMillis > 0 && withinMillis < within.toMillis()) {
      within = Duration.ofMillis(withinMillis);
    }
    getContext()
        .spawn(LatestGatherer.create(targets, replyTo, within), "latest-" + (aggregations++));
    return this;
  }

  private Behavior<Command> onFigures(GetFigures query) {
    long series = 0;
    int staleSources = 0;
    for (Entry e : sources.values()) {
      series += e.series;
      if (e.stale) {
        staleSources++;
      }
    }
    query
        .replyTo()
        .tell(
            new NodeFigures(
                sources.size(),
                staleSources,
                series,
                batches,
                samples,
                refusedSamples,
                refusedSources,
                ingestRate));
    return this;
  }

  private Behavior<Command> onRateTick() {
    long now = System.nanoTime();
    double seconds = (now - rateBaseNanos) / 1e9;
    if (seconds > 0) {
      ingestRate = (samples - rateBase) / seconds;
    }
    rateBase = samples;
    rateBaseNanos = now;
    clientLimits.forgetBefore(now);
    return this;
  }

  /** Asks each collector for its latest snapshot and replies once all answered or time is up. */
  static final class LatestGatherer {
    sealed interface Msg extends CborSerializable {}

    private record Answer(SourceSnapshot snapshot) implements Msg {}

    private enum Timeout implements Msg {
      INSTANCE
    }

    private LatestGatherer() {}

    static Behavior<Msg> create(
        Map<String, ActorRef<Collector.Command>> targets,
        ActorRef<LatestSnapshots> replyTo,
        Duration timeout) {
      return Behaviors.setup(
          ctx ->
              Behaviors.withTimers(
                  timers -> {
                    ActorRef<SourceSnapshot> adapter =
                        ctx.messageAdapter(SourceSnapshot.class, Answer::new);
                    targets.values().forEach(c -> c.tell(new Collector.GetLatest(adapter)));
                    timers.startSingleTimer(Timeout.INSTANCE, timeout);
                    Map<String, SourceSnapshot> got = new HashMap<>();
                    return Behaviors.receive(Msg.class)
                        .onMessage(
                            Answer.class,
                            a -> {
                              got.put(a.snapshot().sourceId(), a.snapshot());
                              if (got.size() >= targets.size()) {
                                return reply(targets, got, replyTo);
                              }
                              return Behaviors.same();
                            })
                        .onMessageEquals(Timeout.INSTANCE, () -> reply(targets, got, replyTo))
                        .build();
                  }));
    }

    private static Behavior<Msg> reply(
        Map<String, ActorRef<Collector.Command>> targets,
        Map<String, SourceSnapshot> got,
        ActorRef<LatestSnapshots> replyTo) {
      List<SourceSnapshot> snapshots = new ArrayList<>(got.values());
      snapshots.sort(Comparator.comparing(SourceSnapshot::sourceId));
      List<String> missing =
          targets.keySet().stream().filter(id -> !got.containsKey(id)).sorted().toList();
      replyTo.tell(new LatestSnapshots(snapshots, missing));
      return Behaviors.stopped();
    }
  }
}
