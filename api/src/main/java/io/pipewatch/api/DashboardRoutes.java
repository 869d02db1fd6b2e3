package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.collector.SourceDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/dashboard}: the dashboard's state in one call — the latest DashboardUpdate
 * content, the active bottlenecks (as {@code GET /api/bottlenecks}), the firing alerts (as {@code
 * GET /api/alerts?status=firing}), every optimizer (as {@code GET /api/optimizations}, asked at
 * most once a second) and the id of the newest live event (to {@code resumeFrom} on {@code /ws}).
 * The reads are asked at once, each with the api's ask-timeout; one that does not answer makes it
 * 503.
 *
 * <pre>{@code
 * curl -s localhost:8080/api/dashboard
 * {"at":"...","update":{"at":"...","intervalMs":250,"activeBottlenecks":0,...},"bottlenecks":[],
 *  "alerts":[],"optimizer":[],"lastEventId":null}
 * }</pre>
 */
final class DashboardRoutes {
  /** Most firing alerts listed (as the default page of {@code GET /api/alerts}). */
  static final int ALERTS = 100;

  private final ActorSystem<?> system;
  private final DashboardReads reads;
  private final ActorRef<LiveHub.Command> hub;
  private final Duration timeout;
  private final long intervalMs;

  /**
   * The optimizers' overview, asked at most once a second: listing the optimized sources scans the
   * journal's persistence ids, too slow for every call, and optimizer steps reach the dashboard as
   * live events anyway. While a newer one is asked, the last one is served.
   */
  private final ReusedAnswer<List<Map<String, Object>>> optimizer;

  DashboardRoutes(
      ActorSystem<?> system,
      DashboardReads reads,
      OptimizationRoutes optimizations,
      ActorRef<LiveHub.Command> hub,
      Duration timeout,
      Duration interval) {
    this.system = system;
    this.reads = reads;
    this.hub = hub;
    this.timeout = timeout;
    this.intervalMs = interval.toMillis();
    this.optimizer = new ReusedAnswer<>(Duration.ofSeconds(1), optimizations::overviewList);
  }

  Route route() {
    return path(
        segment("api").slash("dashboard"),
        () ->
            get(
                () ->
                    ApiDirectives.queryParameters(
                        Set.of(),
                        query ->
                            ErrorHandling.answer(
                                state(), this::answer, "the dashboard's actors", timeout))));
  }

  private record Parts(
      SourceDirectory.LatestSnapshots latest,
      BottleneckBoard.Bottlenecks bottlenecks,
      AlertQuery.Page firing,
      int firingTotal,
      List<Map<String, Object>> optimizer,
      String lastEventId) {}

  CompletionStage<Parts> state() {
    CompletableFuture<SourceDirectory.LatestSnapshots> latest =
        reads.latest().toCompletableFuture();
    CompletableFuture<BottleneckBoard.Bottlenecks> bottlenecks =
        reads.bottlenecks().toCompletableFuture();
    CompletableFuture<AlertQuery.Page> firing = reads.firing(ALERTS).toCompletableFuture();
    CompletableFuture<List<Map<String, Object>>> overview = optimizer.get();
    CompletableFuture<LiveHub.LastEventId> last =
        AskPattern.<LiveHub.Command, LiveHub.LastEventId>ask(
                hub, LiveHub.GetLastEventId::new, timeout, system.scheduler())
            .toCompletableFuture();
    return CompletableFuture.allOf(latest, bottlenecks, firing, overview, last)
        .thenApply(
            v ->
                new Parts(
                    latest.join(),
                    bottlenecks.join(),
                    firing.join(),
                    firing.join().total(),
                    overview.join(),
                    last.join().id()));
  }

  private Route answer(Parts p) {
    long now = System.currentTimeMillis();
    DashboardFigures.State state =
        new DashboardFigures.State(
            now,
            DashboardFigures.of(p.latest().snapshots(), reads.series()),
            p.bottlenecks().bottlenecks().size(),
            p.firingTotal());
    ObjectNode body = JsonSupport.MAPPER.createObjectNode();
    body.put("at", Instant.ofEpochMilli(now).toString());
    body.set("update", DashboardFigures.json(state, intervalMs, Set.of()));
    body.set("bottlenecks", JsonSupport.MAPPER.valueToTree(p.bottlenecks().bottlenecks()));
    body.set("alerts", JsonSupport.MAPPER.valueToTree(p.firing().alerts()));
    body.set("optimizer", JsonSupport.MAPPER.valueToTree(p.optimizer()));
    body.put("lastEventId", p.lastEventId());
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString())));
  }
}
