package io.pipewatch.api;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The root of the server's actor tree: joins the node to its cluster, starts every top-level
 * actor under supervision, watches them, and answers which are alive. Its children are named
 * after the parts of ARCHITECTURE.md.
 */
public final class Guardian {

  /** Everything the guardian understands. */
  public sealed interface Command extends CborSerializable {}

  /** Asks which top-level actors are alive; answers {@link ActorsStatus}. */
  public record GetActorsStatus(ActorRef<ActorsStatus> replyTo) implements Command {}

  /**
   * Top-level actor name to alive (true) or terminated (false), and the address HTTP is bound to
   * (null until it is).
   */
  public record ActorsStatus(Map<String, Boolean> alive, String httpBinding)
      implements CborSerializable {}

  /** Sent by the HTTP server once it is bound. */
  record HttpBound(String address) implements Command {}

  private record ChildTerminated(String name) implements Command {}

  private Guardian() {}

  /** The guardian of one node; {@code server} supplies what the HTTP routes need. */
  public static Behavior<Command> create(ServerContext server) {
    return Behaviors.setup(
        ctx -> {
          joinSelfUnlessSeeded(ctx);
          Map<String, Boolean> alive = new LinkedHashMap<>();
          ActorRef<StartHistory.Command> startHistory =
              ctx.spawn(
                  Behaviors.supervise(StartHistory.create(server.settings().nodeId()))
                      .onFailure(
                          Exception.class,
                          SupervisorStrategy.restartWithBackoff(
                              Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                  "start-history");
          startHistory.tell(
              new StartHistory.RecordStart(Instant.now(), ctx.getSystem().ignoreRef()));
          TopLevelActors actors =
              new TopLevelActors(
                  ctx.getSelf(),
                  Collector.init(ctx.getSystem()),
                  FleetAnalyzer.init(ctx.getSystem()),
                  AlertRouter.init(ctx.getSystem()),
                  startHistory);
          watch(ctx, alive, "start-history", actors.startHistory());
          watch(ctx, alive, "collector", actors.collectors());
          watch(ctx, alive, "fleet-analyzer", actors.fleetAnalyzer());
          watch(ctx, alive, "alert-router", actors.alertRouter());
          ActorRef<HttpServer.Command> http =
              ctx.spawn(
                  Behaviors.supervise(HttpServer.create(server, actors))
                      .onFailure(Exception.class, SupervisorStrategy.restart()),
                  "http-server");
          watch(ctx, alive, "http-server", http);
          return running(Map.copyOf(alive), null);
        });
  }

  private static void joinSelfUnlessSeeded(ActorContext<Command> ctx) {
    boolean seeded =
        !ctx.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty();
    if (!seeded) {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  private static void watch(
      ActorContext<Command> ctx, Map<String, Boolean> alive, String name, ActorRef<?> child) {
    ctx.watchWith(child, new ChildTerminated(name));
    alive.put(name, true);
  }

  private static Behavior<Command> running(Map<String, Boolean> alive, String httpBinding) {
    return Behaviors.receive(Command.class)
        .onMessage(
            GetActorsStatus.class,
            query -> {
              query.replyTo().tell(new ActorsStatus(alive, httpBinding));
              return Behaviors.same();
            })
        .onMessage(HttpBound.class, bound -> running(alive, bound.address()))
        .onMessage(
            ChildTerminated.class,
            terminated -> {
              Map<String, Boolean> next = new LinkedHashMap<>(alive);
              next.put(terminated.name(), false);
              return running(Map.copyOf(next), httpBinding);
            })
        .build();
  }
}
