package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Looks for failure patterns across sources. One per cluster: a cluster singleton. Every {@link
 * BottleneckAnalyzer} reports its bottlenecks' lifecycle ({@link Report}) and its source's
 * heartbeat ({@link Heartbeat}: stale, or fresh again); after each message the patterns are
 * re-evaluated over the sources' current state, with the reports' timestamps as the clock (a 1 s
 * tick carries that clock forward by the wall time passed, so quiet patterns resolve):
 *
 * <ul>
 *   <li><b>network partition</b>: at least {@code partition-min-sources} sources went stale within
 *       {@code partition-window} of one another; confidence 0.6 rising 0.1 per extra source;
 *   <li><b>heartbeat degradation</b>: a stale source outside such a partition; confidence 0.8;
 *   <li><b>cascading failure</b>: errors, throughput, queue, I/O or IPC bottlenecks opened one
 *       after the other (first to last at least 1 s apart, within {@code cascade-window}) on at
 *       least {@code cascade-min-sources} sources of one group; sources listed in the order they
 *       broke; confidence 0.4 + 0.15 per source after the first;
 *   <li><b>resource exhaustion</b>: CPU or memory bottlenecks on at least {@code
 *       exhaustion-min-sources} sources of a group at once, or a memory bottleneck with an
 *       exhaustion forecast; confidence 0.5 + 0.15 per source, or the forecast's confidence;
 *   <li><b>database contention</b>: I/O bottlenecks with database-latency evidence on sources
 *       without a CPU bottleneck (waiting, not computing); 0.6 + 0.15 per extra source;
 *   <li><b>load imbalance</b>: bottlenecks with worker-skew evidence (one worker busy while the
 *       others idle); the bottleneck's confidence.
 * </ul>
 *
 * Topology is not known, so a group (source id up to the last {@code group-separator}) stands for
 * one pipeline. A pattern is published as {@link PatternDetected}, {@link PatternUpdated} (sources
 * or confidence changed; to the alert router only when its sources changed) and {@link
 * PatternResolved} (evidence gone for {@code quiet-for}; at once for stale patterns when the
 * sources report again) to the "bottlenecks" topic and the {@link AlertRouter}.
 *
 * <pre>{@code
 * ActorRef<FleetAnalyzer.Command> fleet = FleetAnalyzer.init(system);
 * fleet.tell(new FleetAnalyzer.GetPatterns(replyTo));   // answers Patterns
 * }</pre>
 */
public final class FleetAnalyzer extends AbstractBehavior<FleetAnalyzer.Command> {

  /** Everything the FleetAnalyzer understands. */
  public sealed interface Command extends CborSerializable {}

  /** A bottleneck's state after a lifecycle change (from a {@link BottleneckAnalyzer}). */
  public record Report(Bottleneck bottleneck) implements Command {}

  /**
   * A source's heartbeat changed: {@code stale} true when it stopped reporting (last batch at
   * {@code lastSeenMillis}, noticed at {@code atMillis}), false when it reports again.
   */
  public record Heartbeat(String sourceId, boolean stale, long lastSeenMillis, long atMillis)
      implements Command {}

  /** Asks for the active and recently resolved patterns; answers {@link Patterns}. */
  public record GetPatterns(ActorRef<Patterns> replyTo) implements Command {}

  public record Patterns(List<FailurePattern> active, List<FailurePattern> recent)
      implements CborSerializable {
    public Patterns {
      active = List.copyOf(active);
      recent = List.copyOf(recent);
    }
  }

  /** Asks for the number of reports seen; answers {@link Summary}. */
  public record GetSummary(ActorRef<Summary> replyTo) implements Command {}

  public record Summary(long reports) implements CborSerializable {}

  /** A pattern was recognised. */
  public record PatternDetected(FailurePattern pattern) implements AnalysisEvent.PatternEvent {}

  /** A pattern's sources or confidence changed. */
  public record PatternUpdated(FailurePattern pattern) implements AnalysisEvent.PatternEvent {}

  /** A pattern's evidence is gone. */
  public record PatternResolved(FailurePattern pattern) implements AnalysisEvent.PatternEvent {}

  private enum Tick implements Command {
    INSTANCE
  }

  private static final java.time.Duration TICK = java.time.Duration.ofSeconds(1);

  private final AnalyzerSettings.FleetSettings settings;
  private final ActorRef<AlertRouter.Command> alerts;
  private final ActorRef<Topic.Command<AnalysisEvent>> topic;
  private final Map<String, SourceState> sources = new LinkedHashMap<>();
  private final Map<String, Active> patterns = new LinkedHashMap<>();
  private final ArrayDeque<FailurePattern> recent = new ArrayDeque<>();
  private long reports;
  private long eventNow = Long.MIN_VALUE;
  private long wallAtEvent;
  private long now = Long.MIN_VALUE;
  private long sequence;

  private FleetAnalyzer(
      ActorContext<Command> context,
      AnalyzerSettings settings,
      ActorRef<AlertRouter.Command> alerts,
      ActorRef<Topic.Command<AnalysisEvent>> topic) {
    super(context);
    this.settings = settings.fleet();
    this.alerts = alerts;
    this.topic = topic;
  }

  /** Starts the singleton (or its proxy on other nodes) and returns the proxy. */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    AnalyzerSettings settings = AnalyzerSettings.create(system.settings().config());
    ActorRef<AlertRouter.Command> alerts = AlertRouter.init(system);
    Behavior<Command> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
                      return new FleetAnalyzer(
                          ctx, settings, alerts, AnalysisTopic.get(ctx.getSystem()));
                    }));
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(behavior)
                    .onFailure(Exception.class, SupervisorStrategy.restart()),
                "fleet-analyzer"));
  }

  /**
   * A fleet analyzer publishing to {@code alerts} and {@code topic} (each may be null), without the
   * wall-clock tick: its clock moves only with the reports (tests, benchmarks).
   */
  public static Behavior<Command> create(
      AnalyzerSettings settings,
      ActorRef<AlertRouter.Command> alerts,
      ActorRef<Topic.Command<AnalysisEvent>> topic) {
    return Behaviors.setup(ctx -> new FleetAnalyzer(ctx, settings, alerts, topic));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Report.class, this::onReport)
        .onMessage(Heartbeat.class, this::onHeartbeat)
        .onMessage(GetPatterns.class, this::onGetPatterns)
        .onMessage(GetSummary.class, this::onGetSummary)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onReport(Report report) {
    reports++;
    Bottleneck b = report.bottleneck();
    SourceState s = source(b.sourceId());
    if (b.active()) {
      s.active.put(b.kind(), b);
    } else {
      Bottleneck known = s.active.get(b.kind());
      if (known != null && known.id().equals(b.id())) {
        s.active.remove(b.kind());
      }
    }
    advanceClock(b.active() ? b.updatedMillis() : b.resolvedMillis());
    evaluate();
    return this;
  }

  private Behavior<Command> onHeartbeat(Heartbeat heartbeat) {
    reports++;
    SourceState s = source(heartbeat.sourceId());
    s.stale = heartbeat.stale();
    s.staleSince = heartbeat.stale() ? heartbeat.atMillis() : Long.MIN_VALUE;
    advanceClock(heartbeat.atMillis());
    evaluate();
    return this;
  }

  private Behavior<Command> onGetPatterns(GetPatterns query) {
    List<FailurePattern> active = new ArrayList<>();
    for (Active a : patterns.values()) {
      active.add(a.pattern);
    }
    query.replyTo().tell(new Patterns(active, new ArrayList<>(recent)));
    return this;
  }

  private Behavior<Command> onGetSummary(GetSummary query) {
    query.replyTo().tell(new Summary(reports));
    return this;
  }

  private Behavior<Command> onTick() {
    if (eventNow == Long.MIN_VALUE) {
      return this;
    }
    now = Math.max(now, eventNow + (System.currentTimeMillis() - wallAtEvent));
    evaluate();
    return this;
  }

  private void advanceClock(long millis) {
    if (millis > eventNow) {
      eventNow = millis;
      wallAtEvent = System.currentTimeMillis();
    }
    now = Math.max(now, millis);
  }

  private SourceState source(String id) {
    return sources.computeIfAbsent(id, k -> new SourceState(k, group(k)));
  }

  private String group(String sourceId) {
    String sep = settings.groupSeparator();
    int i = sep.isEmpty() ? -1 : sourceId.lastIndexOf(sep);
    return i <= 0 ? sourceId : sourceId.substring(0, i);
  }

  // ---- pattern evaluation ----

  private record Candidate(
      PatternKind kind, double confidence, List<String> sources, String text) {}

  private void evaluate() {
    Map<String, Candidate> found = new LinkedHashMap<>();
    stalePatterns(found);
    Map<String, List<SourceState>> groups = new TreeMap<>();
    for (SourceState s : sources.values()) {
      groups.computeIfAbsent(s.group, k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<SourceState>> g : groups.entrySet()) {
      cascade(g.getKey(), g.getValue(), found);
      exhaustion(g.getKey(), g.getValue(), found);
      database(g.getKey(), g.getValue(), found);
      imbalance(g.getKey(), g.getValue(), found);
    }
    reconcile(found);
  }

  private void stalePatterns(Map<String, Candidate> found) {
    List<SourceState> stale = new ArrayList<>();
    for (SourceState s : sources.values()) {
      if (s.stale) {
        stale.add(s);
      }
    }
    stale.sort(Comparator.comparingLong(s -> s.staleSince));
    // the largest set of sources gone stale within the partition window
    int bestFrom = 0;
    int bestSize = 0;
    for (int i = 0, j = 0; j < stale.size(); j++) {
      while (stale.get(j).staleSince - stale.get(i).staleSince
          > settings.partitionWindow().toMillis()) {
        i++;
      }
      if (j - i + 1 > bestSize) {
        bestSize = j - i + 1;
        bestFrom = i;
      }
    }
    HashSet<String> inPartition = new HashSet<>();
    if (bestSize >= settings.partitionMinSources()) {
      List<String> ids = new ArrayList<>();
      for (int k = bestFrom; k < bestFrom + bestSize; k++) {
        ids.add(stale.get(k).id);
        inPartition.add(stale.get(k).id);
      }
      double confidence = Math.min(0.95, 0.6 + 0.1 * (bestSize - settings.partitionMinSources()));
      found.put(
          "partition",
          new Candidate(
              PatternKind.NETWORK_PARTITION,
              confidence,
              ids,
              bestSize
                  + " sources stopped reporting within "
                  + settings.partitionWindow().toMillis()
                  + " ms"));
    }
    for (SourceState s : stale) {
      if (!inPartition.contains(s.id)) {
        found.put(
            "heartbeat/" + s.id,
            new Candidate(
                PatternKind.HEARTBEAT_DEGRADATION,
                0.8,
                List.of(s.id),
                "source '" + s.id + "' stopped reporting"));
      }
    }
  }

  private static final List<BottleneckKind> CASCADE_KINDS =
      List.of(
          BottleneckKind.ERRORS,
          BottleneckKind.THROUGHPUT,
          BottleneckKind.QUEUE,
          BottleneckKind.IO,
          BottleneckKind.IPC);

  private void cascade(String group, List<SourceState> members, Map<String, Candidate> found) {
    record Broken(String id, long opened) {}
    List<Broken> broken = new ArrayList<>();
    for (SourceState s : members) {
      long first = Long.MAX_VALUE;
      for (BottleneckKind k : CASCADE_KINDS) {
        Bottleneck b = s.active.get(k);
        if (b != null) {
          first = Math.min(first, b.openedMillis());
        }
      }
      if (first != Long.MAX_VALUE) {
        broken.add(new Broken(s.id, first));
      }
    }
    if (broken.size() < settings.cascadeMinSources()) {
      return;
    }
    broken.sort(Comparator.comparingLong(Broken::opened));
    long start = broken.get(0).opened();
    List<String> ids = new ArrayList<>();
    long last = start;
    for (Broken b : broken) {
      if (b.opened() - start <= settings.cascadeWindow().toMillis()) {
        ids.add(b.id());
        last = b.opened();
      }
    }
    if (ids.size() < settings.cascadeMinSources() || last - start < 1_000) {
      return;
    }
    double confidence = Math.min(0.95, 0.4 + 0.15 * (ids.size() - 1));
    found.put(
        "cascade/" + group,
        new Candidate(
            PatternKind.CASCADING_FAILURE,
            confidence,
            ids,
            "failures spread over "
                + ids.size()
                + " sources of '"
                + group
                + "', starting at '"
                + ids.get(0)
                + "'"));
  }

  private void exhaustion(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    double forecastConfidence = 0;
    for (SourceState s : members) {
      Bottleneck cpu = s.active.get(BottleneckKind.CPU);
      Bottleneck memory = s.active.get(BottleneckKind.MEMORY);
      if (cpu != null || memory != null) {
        ids.add(s.id);
      }
      if (memory != null && memory.forecastMillis() >= 0) {
        forecastConfidence = Math.max(forecastConfidence, memory.confidence());
      }
    }
    double confidence = 0;
    if (ids.size() >= settings.exhaustionMinSources()) {
      confidence = Math.min(0.95, 0.5 + 0.15 * (ids.size() - 1));
    }
    confidence = Math.max(confidence, forecastConfidence);
    if (confidence > 0) {
      found.put(
          "exhaustion/" + group,
          new Candidate(
              PatternKind.RESOURCE_EXHAUSTION,
              confidence,
              ids,
              "CPU or memory running out on " + ids.size() + " source(s) of '" + group + "'"));
    }
  }

  private void database(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    for (SourceState s : members) {
      Bottleneck io = s.active.get(BottleneckKind.IO);
      if (io != null
          && s.active.get(BottleneckKind.CPU) == null
          && hasDimension(io, Dimension.DB_LATENCY)) {
        ids.add(s.id);
      }
    }
    if (!ids.isEmpty()) {
      found.put(
          "database/" + group,
          new Candidate(
              PatternKind.DATABASE_CONTENTION,
              Math.min(0.95, 0.6 + 0.15 * (ids.size() - 1)),
              ids,
              "database latency up on "
                  + ids.size()
                  + " source(s) of '"
                  + group
                  + "' while their CPU is not saturated"));
    }
  }

  private void imbalance(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    double confidence = 0;
    for (SourceState s : members) {
      for (Bottleneck b : s.active.values()) {
        if (hasDimension(b, Dimension.WORKER_SKEW)) {
          ids.add(s.id);
          confidence = Math.max(confidence, b.confidence());
          break;
        }
      }
    }
    if (!ids.isEmpty()) {
      found.put(
          "imbalance/" + group,
          new Candidate(
              PatternKind.LOAD_IMBALANCE,
              confidence,
              ids,
              "work concentrated on one worker on "
                  + ids.size()
                  + " source(s) of '"
                  + group
                  + "'"));
    }
  }

  private static boolean hasDimension(Bottleneck b, Dimension d) {
    for (Evidence e : b.evidence()) {
      if (e.dimension() == d) {
        return true;
      }
    }
    return false;
  }

  private void reconcile(Map<String, Candidate> found) {
    for (Map.Entry<String, Candidate> e : found.entrySet()) {
      Candidate c = e.getValue();
      Active a = patterns.get(e.getKey());
      if (a == null) {
        FailurePattern p =
            new FailurePattern(
                c.kind().id() + "/" + (++sequence),
                c.kind(),
                c.confidence(),
                c.sources(),
                c.text(),
                now,
                now,
                0);
        patterns.put(e.getKey(), new Active(p, now));
        getContext()
            .getLog()
            .info("Pattern {}: {} (confidence {})", p.id(), p.description(), p.confidence());
        publish(new PatternDetected(p), true);
      } else {
        a.lastTrue = now;
        FailurePattern p = a.pattern;
        boolean spread = !p.sources().equals(c.sources());
        if (spread || Math.abs(p.confidence() - c.confidence()) >= 0.1) {
          a.pattern =
              new FailurePattern(
                  p.id(),
                  p.kind(),
                  c.confidence(),
                  c.sources(),
                  c.text(),
                  p.detectedMillis(),
                  now,
                  0);
          publish(new PatternUpdated(a.pattern), spread);
        }
      }
    }
    var it = patterns.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Active> e = it.next();
      if (found.containsKey(e.getKey())) {
        continue;
      }
      Active a = e.getValue();
      PatternKind kind = a.pattern.kind();
      boolean immediate =
          kind == PatternKind.HEARTBEAT_DEGRADATION || kind == PatternKind.NETWORK_PARTITION;
      if (immediate || now - a.lastTrue >= settings.quietFor().toMillis()) {
        FailurePattern p = a.pattern;
        FailurePattern resolved =
            new FailurePattern(
                p.id(),
                p.kind(),
                p.confidence(),
                p.sources(),
                p.description(),
                p.detectedMillis(),
                now,
                now);
        it.remove();
        recent.addFirst(resolved);
        while (recent.size() > settings.recentPatterns()) {
          recent.removeLast();
        }
        getContext().getLog().info("Pattern {} resolved", p.id());
        publish(new PatternResolved(resolved), true);
      }
    }
  }

  /** To the topic always; to the alert router when detected, resolved or spread to new sources. */
  private void publish(AnalysisEvent.PatternEvent event, boolean alert) {
    if (topic != null) {
      topic.tell(Topic.publish(event));
    }
    if (alerts != null && alert) {
      alerts.tell(new AlertRouter.AnalysisAlert(event));
    }
  }

  private static final class SourceState {
    final String id;
    final String group;
    final Map<BottleneckKind, Bottleneck> active = new EnumMap<>(BottleneckKind.class);
    boolean stale;
    long staleSince = Long.MIN_VALUE;

    SourceState(String id, String group) {
      this.id = id;
      this.group = group;
    }
  }

  private static final class Active {
    FailurePattern pattern;
    long lastTrue;

    Active(FailurePattern pattern, long lastTrue) {
      this.pattern = pattern;
      this.lastTrue = lastTrue;
    }
  }
}
