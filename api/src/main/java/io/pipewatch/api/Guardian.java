package io.pipewatch.api;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.probe.HostProbe;
import io.pipewatch.collector.scrape.Scraper;
import java.util.function.Consumer;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
                  Behaviors.supervise(StartHistory.create(server.settings().api().nodeId()))
                      .onFailure(
                          Exception.class,
                          SupervisorStrategy.restartWithBackoff(
                              Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                  "start-history");
          startHistory.tell(
              new StartHistory.RecordStart(Instant.now(), ctx.getSystem().ignoreRef()));
          ServerSettings settings = server.settings();
          ActorRef<SourceDirectory.Command> directory =
              ctx.spawn(
                  Behaviors.supervise(SourceDirectory.create(settings.collector()))
                      .onFailure(Exception.class, SupervisorStrategy.restart()),
                  "source-directory");
          ActorRef<ShardingEnvelope<Collector.Command>> collectors =
              Collector.init(ctx.getSystem(), settings.collector(), directory, null);
          Consumer<Collector.Ingest> toCollectors = toCollectors(collectors);
          Optional<ActorRef<DemoPipeline.Command>> demo =
              settings.simulator().demo().enabled()
                  ? Optional.of(
                      ctx.spawn(
                          supervised(DemoPipeline.create(settings.simulator(), toCollectors)),
                          "demo-pipeline"))
                  : Optional.empty();
          TopLevelActors actors =
              new TopLevelActors(
                  ctx.getSelf(),
                  directory,
                  collectors,
                  FleetAnalyzer.init(ctx.getSystem()),
                  AlertRouter.init(ctx.getSystem()),
                  startHistory,
                  demo);
          demo.ifPresent(ref -> watch(ctx, alive, "demo-pipeline", ref));
          watch(ctx, alive, "start-history", actors.startHistory());
          watch(ctx, alive, "source-directory", directory);
          watch(ctx, alive, "collector", actors.collectors());
          if (settings.probe().enabled()) {
            watch(ctx, alive, "host-probe", ctx.spawn(supervised(HostProbe.create(settings.probe(), toCollectors)), "host-probe"));
          }
          if (!settings.scrape().targets().isEmpty()) {
            watch(ctx, alive, "scraper", ctx.spawn(supervised(Scraper.create(settings.scrape(), toCollectors)), "scraper"));
          }
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

  /** Sends each batch to its source's collector through the sharding region. */
  static Consumer<Collector.Ingest> toCollectors(
      ActorRef<ShardingEnvelope<Collector.Command>> region) {
    return ingest -> region.tell(new ShardingEnvelope<>(ingest.sourceId(), ingest));
  }

  /** A child restarted after a failure, with backoff so a persistent fault does not spin. */
  private static <T> Behavior<T> supervised(Behavior<T> behavior) {
    return Behaviors.supervise(behavior)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
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
