package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Routes alerts to their channels (log, webhook, email, dashboard) with dedup, grouping, silences,
 * inhibition, cooldown and rate limits. One per cluster: a cluster singleton. Until the alerting
 * issue lands it logs each bottleneck and pattern event it is sent and counts them.
 *
 * <pre>{@code
 * ActorRef<AlertRouter.Command> alerts = AlertRouter.init(system);
 * alerts.tell(new AlertRouter.AnalysisAlert(new BottleneckAnalyzer.BottleneckDetected(bottleneck)));
 * }</pre>
 */
public final class AlertRouter {

  /** Everything the AlertRouter understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A bottleneck or pattern event (detected, resolved; updates are not sent). Logged until the
   * alerting issue turns it into alerts.
   */
  public record AnalysisAlert(AnalysisEvent event) implements Command {}

  /** Asks for the number of analysis events received; answers {@link Summary}. */
  public record GetSummary(ActorRef<Summary> replyTo) implements Command {}

  public record Summary(long raised) implements CborSerializable {}

  private AlertRouter() {}

  /** Starts the singleton (or its proxy on other nodes) and returns the proxy. */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(create())
                    .onFailure(Exception.class, SupervisorStrategy.restart()),
                "alert-router"));
  }

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> routing(ctx.getLog(), 0));
  }

  private static Behavior<Command> routing(org.slf4j.Logger log, long raised) {
    return Behaviors.receive(Command.class)
        .onMessage(
            AnalysisAlert.class,
            alert -> {
              log.info("Analysis event: {}", alert.event());
              return routing(log, raised + 1);
            })
        .onMessage(
            GetSummary.class,
            query -> {
              query.replyTo().tell(new Summary(raised));
              return Behaviors.same();
            })
        .build();
  }
}
