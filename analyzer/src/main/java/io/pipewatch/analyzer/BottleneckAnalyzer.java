package io.pipewatch.analyzer;

import io.pipewatch.collector.SourceSnapshot;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Finds the bottlenecks of one source: the child each {@code Collector} spawns and feeds with every
 * {@link SourceSnapshot} of its source. The classification (series to dimensions, per-series
 * detectors, threshold/regression/forecast rules, one bottleneck per kind with hysteresis) is
 * described on {@code SourceAnalysis}; its clock is the snapshots' timestamps, so the same code
 * gives the same answer in simulated time.
 *
 * <p>Each lifecycle change is sent as {@link BottleneckDetected}, {@link BottleneckUpdated} or
 * {@link BottleneckResolved} to the {@link Outputs}: the source's optimizer (a consumer, since the
 * optimizer module depends on this one), the {@link AlertRouter}, the {@link FleetAnalyzer} (as
 * {@link FleetAnalyzer.Report}) and the node's "bottlenecks" {@link AnalysisTopic}. A stale
 * snapshot is a heartbeat signal, not analysed: it goes to the fleet analyzer as {@link
 * FleetAnalyzer.Heartbeat}, and so does the first fresh snapshot after it.
 *
 * <pre>{@code
 * AnalyzerSettings settings = AnalyzerSettings.create(system.settings().config());
 * BottleneckAnalyzer.Outputs outputs = new BottleneckAnalyzer.Outputs(
 *     event -> optimizers.tell(new ShardingEnvelope<>(event.bottleneck().sourceId(), wrap(event))),
 *     FleetAnalyzer.init(system), AlertRouter.init(system), AnalysisTopic.get(system));
 * Collector.init(system, collectorSettings, directory,
 *     sourceId -> BottleneckAnalyzer.create(sourceId, settings, outputs));
 * }</pre>
 */
public final class BottleneckAnalyzer extends AbstractBehavior<SourceSnapshot> {

  /** A bottleneck opened. */
  public record BottleneckDetected(Bottleneck bottleneck)
      implements AnalysisEvent.BottleneckEvent {}

  /**
   * An open bottleneck changed meaningfully: its severity, or its smoothed impact or confidence by
   * more than {@code lifecycle.update-step}; at most once per {@code lifecycle.update-interval}.
   */
  public record BottleneckUpdated(Bottleneck bottleneck) implements AnalysisEvent.BottleneckEvent {}

  /** A bottleneck resolved (after its hysteresis). */
  public record BottleneckResolved(Bottleneck bottleneck)
      implements AnalysisEvent.BottleneckEvent {}

  /**
   * Where bottleneck events go; every field may be null (not wired). {@code optimizer} is called on
   * the analyzer's thread and must only hand the event on (e.g. {@code tell} a sharding region).
   */
  public record Outputs(
      Consumer<AnalysisEvent.BottleneckEvent> optimizer,
      ActorRef<FleetAnalyzer.Command> fleet,
      ActorRef<AlertRouter.Command> alerts,
      ActorRef<Topic.Command<AnalysisEvent>> topic) {

    /** No outputs at all (tests). */
    public static Outputs none() {
      return new Outputs(null, null, null, null);
    }
  }

  private final String sourceId;
  private final SourceAnalysis analysis;
  private final Outputs outputs;
  private final SourceAnalysis.Listener listener;
  private boolean stale;
  private long lastMillis = Long.MIN_VALUE;
  private double intervalMillis = Double.NaN;

  /** The analyzer of {@code sourceId}. */
  public static Behavior<SourceSnapshot> create(
      String sourceId, AnalyzerSettings settings, Outputs outputs) {
    return Behaviors.setup(ctx -> new BottleneckAnalyzer(ctx, sourceId, settings, outputs));
  }

  private BottleneckAnalyzer(
      ActorContext<SourceSnapshot> context,
      String sourceId,
      AnalyzerSettings settings,
      Outputs outputs) {
    super(context);
    this.sourceId = sourceId;
    this.analysis = new SourceAnalysis(sourceId, settings);
    this.outputs = outputs == null ? Outputs.none() : outputs;
    this.listener =
        new SourceAnalysis.Listener() {
          @Override
          public void detected(Bottleneck b) {
            getContext()
                .getLog()
                .info(
                    "Bottleneck {} on '{}': {} impact {} confidence {} ({})",
                    b.id(),
                    sourceId,
                    b.severity(),
                    round(b.impact()),
                    round(b.confidence()),
                    b.evidence().isEmpty() ? "" : b.evidence().get(0).rule());
            publish(new BottleneckDetected(b));
          }

          @Override
          public void updated(Bottleneck b) {
            publish(new BottleneckUpdated(b));
          }

          @Override
          public void resolved(Bottleneck b) {
            getContext().getLog().info("Bottleneck {} on '{}' resolved", b.id(), sourceId);
            publish(new BottleneckResolved(b));
          }
        };
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Override
  public Receive<SourceSnapshot> createReceive() {
    return newReceiveBuilder().onMessage(SourceSnapshot.class, this::onSnapshot).build();
  }

  private Behavior<SourceSnapshot> onSnapshot(SourceSnapshot snapshot) {
    if (snapshot.stale()) {
      if (!stale) {
        stale = true;
        long interval = Double.isNaN(intervalMillis) ? 0 : Math.round(intervalMillis);
        long at = snapshot.timestampMillis() + (long) snapshot.missedFlushes() * interval;
        heartbeat(true, snapshot.timestampMillis(), at);
      }
      return this;
    }
    long ts = snapshot.timestampMillis();
    if (lastMillis != Long.MIN_VALUE && ts > lastMillis) {
      double d = ts - lastMillis;
      intervalMillis =
          Double.isNaN(intervalMillis) ? d : intervalMillis + 0.1 * (d - intervalMillis);
    }
    lastMillis = Math.max(lastMillis, ts);
    if (stale) {
      stale = false;
      heartbeat(false, ts, ts);
    }
    analysis.onSnapshot(snapshot, listener);
    return this;
  }

  private void heartbeat(boolean isStale, long lastSeen, long at) {
    if (outputs.fleet() != null) {
      outputs.fleet().tell(new FleetAnalyzer.Heartbeat(sourceId, isStale, lastSeen, at));
    }
  }

  private void publish(AnalysisEvent.BottleneckEvent event) {
    if (outputs.optimizer() != null) {
      outputs.optimizer().accept(event);
    }
    if (outputs.fleet() != null) {
      outputs.fleet().tell(new FleetAnalyzer.Report(event.bottleneck()));
    }
    if (outputs.alerts() != null && !(event instanceof BottleneckUpdated)) {
      outputs.alerts().tell(new AlertRouter.AnalysisAlert(event));
    }
    if (outputs.topic() != null) {
      outputs.topic().tell(Topic.publish(event));
    }
  }
}
