package io.pipewatch.api;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.analyzer.alert.AlertStatus;
import io.pipewatch.collector.SourceDirectory;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The reads behind the dashboard and the report, for the whole cluster: the latest values and the
 * active bottlenecks of every node (a {@link FanOut} with the api's fan-out deadline; a node that
 * does not answer in time is left out), and the firing alerts (the alert router singleton, with the
 * api's ask-timeout). {@link #figures} asks all three at once and builds a DashboardUpdate's {@link
 * DashboardFigures.State}.
 */
final class DashboardReads {
  private final ActorSystem<?> system;
  private final TopLevelActors actors;
  private final Duration timeout;
  private final DashboardFigures.Series series;
  private final FanOut fanOut;

  DashboardReads(
      ActorSystem<?> system,
      TopLevelActors actors,
      ApiSettings api,
      DashboardFigures.Series series) {
    this.system = system;
    this.actors = actors;
    this.timeout = api.askTimeout();
    this.series = series;
    this.fanOut = new FanOut(system, api.fanOutTimeout());
  }

  CompletionStage<SourceDirectory.LatestSnapshots> latest() {
    return MetricsRoutes.latestEverywhere(fanOut, actors.sourceDirectory())
        .thenApply(all -> all.answers().get(0));
  }

  CompletionStage<BottleneckBoard.Bottlenecks> bottlenecks() {
    return fanOut
        .<BottleneckBoard.Command, BottleneckBoard.Bottlenecks>ask(
            BottleneckBoard.SERVICE_KEY,
            actors.bottleneckBoard(),
            r -> new BottleneckBoard.GetBottlenecks(null, null, 0, r))
        .thenApply(all -> new BottleneckBoard.Bottlenecks(ClusterMerge.bottlenecks(all.answers())));
  }

  /** Firing alerts, newest first, at most {@code limit}. */
  CompletionStage<AlertQuery.Page> firing(int limit) {
    AlertQuery query = new AlertQuery(AlertStatus.FIRING, null, null, 0, 0, limit);
    return ask(actors.alertRouter(), r -> new AlertRouter.ListAlerts(query, r));
  }

  /** The figures of a DashboardUpdate, the three reads made at once. */
  CompletionStage<DashboardFigures.State> figures() {
    long now = System.currentTimeMillis();
    return latest()
        .thenCombine(
            bottlenecks(),
            (latest, found) ->
                new DashboardFigures.State(
                    now,
                    DashboardFigures.of(latest.snapshots(), series),
                    found.bottlenecks().size(),
                    0))
        .thenCombine(
            firing(1),
            (state, page) ->
                new DashboardFigures.State(
                    state.atMillis(), state.sources(), state.activeBottlenecks(), page.total()));
  }

  DashboardFigures.Series series() {
    return series;
  }

  private <C, T> CompletionStage<T> ask(RecipientRef<C> target, Function<ActorRef<T>, C> message) {
    return AskPattern.ask(target, message::apply, timeout, system.scheduler());
  }
}
