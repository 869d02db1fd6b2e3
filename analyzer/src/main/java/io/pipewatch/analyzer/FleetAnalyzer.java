package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import java.util.List;
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
 * ActorRef<FleetAnalyzer.Command> fleet =
 *     FleetAnalyzer.init(system, settings, alerts, AnalysisTopic.get(system));
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

  private final FleetPatterns patterns;
  private final ActorRef<AlertRouter.Command> alerts;
  private final ActorRef<Topic.Command<AnalysisEvent>> topic;
  private long reports;
  private long eventNow = Long.MIN_VALUE;
  private long wallAtEvent;

  private FleetAnalyzer(
      ActorContext<Command> context,
      AnalyzerSettings settings,
      ActorRef<AlertRouter.Command> alerts,
      ActorRef<Topic.Command<AnalysisEvent>> topic) {
    super(context);
    this.patterns = new FleetPatterns(settings.fleet());
    this.alerts = alerts;
    this.topic = topic;
  }

  /**
   * Starts the singleton (or its proxy on other nodes) publishing to {@code alerts} and {@code
   * topic}, with a 1 s wall-clock tick, and returns the proxy.
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      AnalyzerSettings settings,
      ActorRef<AlertRouter.Command> alerts,
      ActorRef<Topic.Command<AnalysisEvent>> topic) {
    Behavior<Command> behavior =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> {
                      timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
                      return new FleetAnalyzer(ctx, settings, alerts, topic);
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
    clock(b.active() ? b.updatedMillis() : b.resolvedMillis());
    publish(patterns.report(b));
    return this;
  }

  private Behavior<Command> onHeartbeat(Heartbeat heartbeat) {
    reports++;
    clock(heartbeat.atMillis());
    publish(patterns.heartbeat(heartbeat.sourceId(), heartbeat.stale(), heartbeat.atMillis()));
    return this;
  }

  private Behavior<Command> onGetPatterns(GetPatterns query) {
    query.replyTo().tell(new Patterns(patterns.active(), patterns.recent()));
    return this;
  }

  private Behavior<Command> onGetSummary(GetSummary query) {
    query.replyTo().tell(new Summary(reports));
    return this;
  }

  /** The reports' clock carried forward by the wall time passed since the latest report. */
  private Behavior<Command> onTick() {
    if (eventNow != Long.MIN_VALUE) {
      publish(patterns.advanceTo(eventNow + (System.currentTimeMillis() - wallAtEvent)));
    }
    return this;
  }

  private void clock(long millis) {
    if (millis > eventNow) {
      eventNow = millis;
      wallAtEvent = System.currentTimeMillis();
    }
  }

  /** To the topic always; to the alert router when detected, resolved or spread to new sources. */
  private void publish(List<FleetPatterns.Emitted> emitted) {
    for (FleetPatterns.Emitted e : emitted) {
      FailurePattern p = e.event().pattern();
      if (e.event() instanceof PatternDetected) {
        getContext()
            .getLog()
            .info("Pattern {}: {} (confidence {})", p.id(), p.description(), p.confidence());
      } else if (e.event() instanceof PatternResolved) {
        getContext().getLog().info("Pattern {} resolved", p.id());
      }
      if (topic != null) {
        topic.tell(Topic.publish(e.event()));
      }
      if (alerts != null && e.alert()) {
        alerts.tell(new AlertRouter.AnalysisAlert(e.event()));
      }
    }
  }
}
