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
 * The reads behind the dashboard, each an ask with the api's ask-timeout: the collectors' latest
 * values, the active bottlenecks and the firing alerts. {@link #figures} asks all three at once and
 * builds a DashboardUpdate's {@link DashboardFigures.State}.
 */
final class DashboardReads {
  private final ActorSystem<?> system;
  private final TopLevelActors actors;
  private final Duration timeout;
  private final DashboardFigures.Series series;

  DashboardReads(
      ActorSystem<?> system,
      TopLevelActors actors,
      Duration timeout,
      DashboardFigures.Series series) {
    this.system = system;
    this.actors = actors;
    this.timeout = timeout;
    this.series = series;
  }

  CompletionStage<SourceDirectory.LatestSnapshots> latest() {
    return ask(actors.sourceDirectory(), SourceDirectory.GetLatestAll::new);
  }

  CompletionStage<BottleneckBoard.Bottlenecks> bottlenecks() {
    return ask(actors.bottleneckBoard(), r -> new BottleneckBoard.GetBottlenecks(null, null, 0, r));
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
