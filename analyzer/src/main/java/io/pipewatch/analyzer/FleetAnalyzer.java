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
 * Looks for patterns across sources (cascading failures, load imbalance, partitions, heartbeat
 * loss). One per cluster: a cluster singleton. Until the analyzer issue lands it counts the source
 * reports it is sent and answers how many it has seen.
 *
 * <pre>{@code
 * ActorRef<FleetAnalyzer.Command> fleet = FleetAnalyzer.init(system);
 * }</pre>
 */
public final class FleetAnalyzer {

  /** Everything the FleetAnalyzer understands. */
  public sealed interface Command extends CborSerializable {}

  /** A source reported a state change (for now: its id). */
  public record SourceReported(String sourceId) implements Command {}

  /** Asks for the number of reports seen; answers {@link Summary}. */
  public record GetSummary(ActorRef<Summary> replyTo) implements Command {}

  public record Summary(long reports) implements CborSerializable {}

  private FleetAnalyzer() {}

  /** Starts the singleton (or its proxy on other nodes) and returns the proxy. */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(create())
                    .onFailure(Exception.class, SupervisorStrategy.restart()),
                "fleet-analyzer"));
  }

  public static Behavior<Command> create() {
    return counting(0);
  }

  private static Behavior<Command> counting(long reports) {
    return Behaviors.receive(Command.class)
        .onMessage(SourceReported.class, report -> counting(reports + 1))
        .onMessage(
            GetSummary.class,
            query -> {
              query.replyTo().tell(new Summary(reports));
              return Behaviors.same();
            })
        .build();
  }
}
