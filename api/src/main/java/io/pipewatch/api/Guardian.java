package io.pipewatch.api;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.AnalysisTopic;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.probe.HostProbe;
import io.pipewatch.collector.scrape.Scraper;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.OptimizationTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The root of the server's actor tree: joins the node to its cluster, starts every top-level actor
 * under supervision, watches them, and answers which are alive. Its children are named after the
 * parts of ARCHITECTURE.md.
 *
 * <p>Event-sourced actors survive a journal outage only with a backoff strategy of their own: pass
 * {@code settings.persistence().journalBackoff().strategy()} to the behavior (which hands it to
 * {@code super(persistenceId, strategy)}), as {@link StartHistory} does; the generic supervision
 * below does not see journal failures.
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
          ServerSettings settings = server.settings();
          joinSelfUnlessDiscovering(ctx, settings.cluster());
          Map<String, Boolean> alive = new LinkedHashMap<>();

          // Event-sourced children take the journal backoff: an outer supervise never sees a
          // journal failure (Pekko stops the behavior unless it was given its own strategy).
          BackoffSupervisorStrategy onJournalFailure =
              settings.persistence().journalBackoff().strategy();
          ActorRef<StartHistory.Command> startHistory =
              spawn(
                  ctx,
                  alive,
                  "start-history",
                  StartHistory.create(settings.api().nodeId(), Instant.now(), onJournalFailure));
          ActorRef<SourceDirectory.Command> directory =
              spawn(ctx, alive, "source-directory", SourceDirectory.create(settings.collector()));
          ActorRef<AlertRouter.Command> alerts =
              watch(
                  ctx,
                  alive,
                  "alert-router",
                  AlertRouter.init(
                      ctx.getSystem(),
                      directory,
                      settings.simulator().demo().enabled()
                          ? settings.simulator().sourceIds()
                          : java.util.Set.of()));
          ActorRef<FleetAnalyzer.Command> fleet =
              watch(
                  ctx,
                  alive,
                  "fleet-analyzer",
                  FleetAnalyzer.init(
                      ctx.getSystem(),
                      settings.analyzer(),
                      alerts,
                      AnalysisTopic.get(ctx.getSystem())));
          ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers =
              watch(
                  ctx,
                  alive,
                  "adaptive-optimizer",
                  AdaptiveOptimizer.init(
                      ctx.getSystem(),
                      settings.optimizer(),
                      OptimizationTopic.get(ctx.getSystem()),
                      onJournalFailure));
          ActorRef<Topic.Command<AnalysisEvent>> topic = AnalysisTopic.get(ctx.getSystem());
          ActorRef<BottleneckBoard.Command> board =
              spawn(
                  ctx,
                  alive,
                  "bottleneck-board",
                  BottleneckBoard.create(settings.analyzer(), topic));
          BottleneckAnalyzer.Outputs outputs =
              new BottleneckAnalyzer.Outputs(
                  event ->
                      optimizers.tell(
                          new ShardingEnvelope<>(
                              event.bottleneck().sourceId(),
                              new AdaptiveOptimizer.ObserveBottleneck(event))),
                  fleet,
                  alerts,
                  topic);
          ActorRef<ShardingEnvelope<Collector.Command>> collectors =
              watch(
                  ctx,
                  alive,
                  "collector",
                  Collector.init(
                      ctx.getSystem(),
                      settings.collector(),
                      directory,
                      sourceId ->
                          BottleneckAnalyzer.create(sourceId, settings.analyzer(), outputs)));
          Consumer<Collector.Ingest> toCollectors = toCollectors(ctx.getSystem(), collectors);
          if (settings.probe().enabled()) {
            spawn(ctx, alive, "host-probe", HostProbe.create(settings.probe(), toCollectors));
          }
          if (!settings.scrape().targets().isEmpty()) {
            spawn(ctx, alive, "scraper", Scraper.create(settings.scrape(), toCollectors));
          }
          Optional<ActorRef<DemoPipeline.Command>> demo =
              settings.simulator().demo().enabled()
                  ? Optional.of(
                      watch(
                          ctx,
                          alive,
                          "demo-pipeline",
                          DemoPipeline.init(
                              ctx.getSystem(),
                              supervised(
                                  DemoPipeline.create(
                                      settings.simulator(),
                                      toCollectors,
                                      optimizers,
                                      settings.optimizer().observationPeriod().toMillis())))))
                  : Optional.empty();
          TopLevelActors actors =
              new TopLevelActors(
                  ctx.getSelf(),
                  directory,
                  collectors,
                  fleet,
                  alerts,
                  board,
                  startHistory,
                  demo,
                  optimizers);
          NodeHealth.get(ctx.getSystem())
              .register(new HealthRoutes(ctx.getSystem(), ctx.getSelf(), server)::check);
          spawn(ctx, alive, "http-server", HttpServer.create(server, actors));
          return running(Collections.unmodifiableMap(alive), null);
        });
  }

  /** Spawns a supervised, watched top-level child. */
  private static <T> ActorRef<T> spawn(
      ActorContext<Command> ctx, Map<String, Boolean> alive, String name, Behavior<T> behavior) {
    return watch(ctx, alive, name, ctx.spawn(supervised(behavior), name));
  }

  /**
   * Sends each batch of this node's own producers (probe, scraper, demo) to its source's collector
   * through the sharding region, until the node begins to shut down: a batch sent while the region
   * hands its shards off waits in the region's buffer for a home that a stopping node never gets,
   * and holds the whole shutdown for the region's timeout.
   */
  static Consumer<Collector.Ingest> toCollectors(
      ActorSystem<?> system, ActorRef<ShardingEnvelope<Collector.Command>> region) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    return ingest -> {
      if (shutdown.getShutdownReason().isEmpty()) {
        region.tell(new ShardingEnvelope<>(ingest.sourceId(), ingest));
      }
    };
  }

  /** A child restarted after a failure, with backoff so a persistent fault does not spin. */
  private static <T> Behavior<T> supervised(Behavior<T> behavior) {
    return Behaviors.supervise(behavior)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  /**
   * Joins the node to itself, a cluster of one, unless it finds its peers: through Cluster
   * Bootstrap (a discovery method is set, {@link ClusterFormation}) or configured seed nodes.
   */
  private static void joinSelfUnlessDiscovering(
      ActorContext<Command> ctx, ClusterSettings settings) {
    boolean seeded =
        !ctx.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty();
    if (!seeded && !settings.multiNode()) {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  private static <T> ActorRef<T> watch(
      ActorContext<Command> ctx, Map<String, Boolean> alive, String name, ActorRef<T> child) {
    ctx.watchWith(child, new ChildTerminated(name));
    alive.put(name, true);
    return child;
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
              return running(Collections.unmodifiableMap(next), httpBinding);
            })
        .build();
  }
}
