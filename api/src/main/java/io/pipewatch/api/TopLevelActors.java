package io.pipewatch.api;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/** The node's top-level actors, as the routes reach them. */
record TopLevelActors(
    ActorRef<Guardian.Command> guardian,
    ActorRef<SourceDirectory.Command> sourceDirectory,
    ActorRef<ShardingEnvelope<Collector.Command>> collectors,
    ActorRef<FleetAnalyzer.Command> fleetAnalyzer,
    ActorRef<AlertRouter.Command> alertRouter,
    ActorRef<BottleneckBoard.Command> bottleneckBoard,
    ActorRef<StartHistory.Command> startHistory,
    Optional<ActorRef<DemoPipeline.Command>> demoPipeline,
    ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers) {}
