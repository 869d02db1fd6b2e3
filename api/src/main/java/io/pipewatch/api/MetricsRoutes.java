package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.alert.AlertFigures;
import io.pipewatch.analyzer.alert.AlertMetrics;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricsExposition;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.optimizer.OptimizerMetrics;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Reads of collected metrics, for the whole cluster from any node:
 *
 * <ul>
 *   <li>{@code GET /api/sources} — the sources and their series counts, freshness and staleness;
 *   <li>{@code GET /api/metrics?source=svc-a&prefix=host_cpu} — latest value of every series (both
 *       filters optional; with {@code source}, asked of that source's collector directly);
 *   <li>{@code GET /api/metrics/{source}/{series}?range=5m|15m|1h|4h&format=json|csv} — one series'
 *       history at the resolution that fits the range (URL-encode the source and the series id,
 *       e.g. {@code host%2Fnode-1} and {@code docs_total%7Bstage%3D%22parse%22%7D}); {@code
 *       format=csv} answers RFC 4180 CSV with a header line, as a download;
 *   <li>{@code GET /metrics/collected} — the series collected ON THIS NODE, Prometheus text (viewer
 *       role once tokens exist);
 *   <li>{@code GET /metrics} — Prometheus text exposition of this node's own figures, public, none
 *       of the collected series (Prometheus scrapes every node; a cluster-wide page would count
 *       each series once per node); OpenMetrics when the {@code Accept} header asks for it.
 * </ul>
 *
 * <p>The lists ({@code /api/sources}, {@code /api/metrics} without {@code source}) ask every node's
 * {@link SourceDirectory} through {@link FanOut} and merge ({@link ClusterMerge}); a node that does
 * not answer within {@code pipewatch.api.fan-out-timeout} is named in {@code "partial"}, e.g.
 * {@code "partial":[{"node":"10.0.0.7:25520","reason":"timeout"}]}, and the answer is still a 200.
 * One source's history goes straight to the shard that owns the source.
 */
final class MetricsRoutes {
  private static final Map<String, Duration> RANGES =
      Map.of(
          "5m", Duration.ofMinutes(5),
          "15m", Duration.ofMinutes(15),
          "1h", Duration.ofHours(1),
          "4h", Duration.ofHours(4));

  /** The latest value of one series of one source. */
  record LatestValue(
      String source,
      String series,
      String name,
      Map<String, String> labels,
      String kind,
      double value,
      long timestamp,
      boolean stale) {}

  /**
   * The answer of {@code GET /api/metrics}: {@code unanswered} sources' collectors did not answer
   * their node in time, {@code partial} nodes did not answer at all.
   */
  record LatestValues(
      List<LatestValue> metrics, List<String> unanswered, List<FanOut.Partial> partial) {}

  /** The answer of {@code GET /api/sources}. */
  record Sources(List<SourceDirectory.SourceInfo> sources, List<FanOut.Partial> partial) {}

  /** The answer of {@code GET /api/metrics/{source}/{series}}. */
  record SeriesHistory(
      String source,
      String series,
      String range,
      long resolutionMillis,
      long[] timestamps,
      double[] values,
      double[] min,
      double[] max) {}

  private final ActorSystem<?> system;
  private final ActorRef<SourceDirectory.Command> directory;
  private final ActorRef<ShardingEnvelope<Collector.Command>> collectors;
  private final Duration timeout;
  private final ActorRef<AlertRouter.Command> alertRouter;
  private final FanOut fanOut;

  MetricsRoutes(ActorSystem<?> system, TopLevelActors actors, ApiSettings settings) {
    this.system = system;
    this.alertRouter = actors.alertRouter();
    this.directory = actors.sourceDirectory();
    this.collectors = actors.collectors();
    this.timeout = settings.askTimeout();
    this.fanOut = new FanOut(system, settings.fanOutTimeout());
  }

  Route route() {
    return concat(
        path(segment("api").slash("sources"), () -> get(this::sources)),
        pathPrefix(
            segment("api").slash("metrics"),
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(this::latest)),
                    path(
                        segment().slash(segment()),
                        (source, series) -> get(() -> history(source, series))))),
        path("metrics", () -> get(this::exposition)),
        path(segment("metrics").slash("collected"), () -> get(this::collected)));
  }

  private Route sources() {
    return answer(
        fanOut.<SourceDirectory.Command, SourceDirectory.SourceList>ask(
            SourceDirectory.SERVICE_KEY, directory, SourceDirectory.ListSources::new),
        lists ->
            complete(
                StatusCodes.OK,
                new Sources(ClusterMerge.sources(lists.answers()), lists.partial()),
                JsonSupport.marshaller()));
  }

  private Route latest() {
    return ApiDirectives.queryParameters(
        Set.of("source", "prefix"),
        query ->
            answer(
                query.get("source").isPresent()
                    ? latestOf(query.get("source").get())
                    : latestEverywhere(fanOut, directory),
                all ->
                    complete(
                        StatusCodes.OK,
                        latestValues(all, query.get("source"), query.get("prefix")),
                        JsonSupport.marshaller())));
  }

  /**
   * Every node's latest snapshots, merged, each node answering within the fan-out deadline ({@code
   * local}: this node's directory, asked whether listed or not).
   */
  static CompletionStage<FanOut.Gathered<SourceDirectory.LatestSnapshots>> latestEverywhere(
      FanOut fanOut, ActorRef<SourceDirectory.Command> local) {
    // the node's directory must answer before the fan-out gives up on it: leave it a margin
    long within = Math.max(1, fanOut.timeout().toMillis() * 4 / 5);
    return fanOut
        .<SourceDirectory.Command, SourceDirectory.LatestSnapshots>ask(
            SourceDirectory.SERVICE_KEY,
            local,
            replyTo -> new SourceDirectory.GetLatestAllWithin(replyTo, within))
        .thenApplyAsync(
            all ->
                new FanOut.Gathered<>(List.of(ClusterMerge.latest(all.answers())), all.partial()),
            FanOut.SAME_THREAD);
  }

  /**
   * One source's latest snapshot, asked of its collector through sharding (an unknown source's
   * collector answers an empty snapshot and stops); a collector that does not answer in time makes
   * the source unanswered.
   */
  private CompletionStage<FanOut.Gathered<SourceDirectory.LatestSnapshots>> latestOf(
      String source) {
    return AskPattern.<ShardingEnvelope<Collector.Command>, SourceSnapshot>ask(
            collectors,
            replyTo -> new ShardingEnvelope<>(source, new Collector.GetLatest(replyTo)),
            timeout,
            system.scheduler())
        .handleAsync(
            (snapshot, failure) ->
                new FanOut.Gathered<>(
                    List.of(
                        failure != null
                            ? new SourceDirectory.LatestSnapshots(List.of(), List.of(source))
                            : new SourceDirectory.LatestSnapshots(
                                snapshot.series().isEmpty() ? List.of() : List.of(snapshot),
                                List.of())),
                    List.of()),
            FanOut.SAME_THREAD);
  }

  static LatestValues latestValues(
      FanOut.Gathered<SourceDirectory.LatestSnapshots> gathered,
      Optional<String> source,
      Optional<String> prefix) {
    SourceDirectory.LatestSnapshots all = gathered.answers().get(0);
    List<LatestValue> values =
        all.snapshots().stream()
            .filter(s -> source.map(s.sourceId()::equals).orElse(true))
            .flatMap(
                s ->
                    s.series().stream()
                        .filter(p -> prefix.map(p.name()::startsWith).orElse(true))
                        .map(p -> latestValue(s, p)))
            .toList();
    return new LatestValues(values, all.unanswered(), gathered.partial());
  }

  private static LatestValue latestValue(SourceSnapshot source, SeriesPoint point) {
    return new LatestValue(
        source.sourceId(),
        point.id(),
        point.name(),
        point.labels(),
        point.kind().name().toLowerCase(java.util.Locale.ROOT),
        point.value(),
        point.timestampMillis(),
        source.stale());
  }

  private Route history(String source, String series) {
    return ApiDirectives.queryParameters(
        Set.of("range", "format"),
        query -> {
          String range = query.get("range").orElse("5m");
          String format = query.get("format").orElse("json");
          if (!SeriesExport.FORMATS.contains(format)) {
            return ErrorHandling.error(
                StatusCodes.BAD_REQUEST,
                new ApiError("unknown format", "format", "expected one of csv, json"));
          }
          Duration span = RANGES.get(range);
          if (span == null) {
            return ErrorHandling.error(
                StatusCodes.BAD_REQUEST,
                new ApiError("unknown range", "range", "expected one of 5m, 15m, 1h, 4h"));
          }
          long now = System.currentTimeMillis();
          CompletionStage<Collector.SeriesData> data =
              AskPattern.ask(
                  collectors,
                  (ActorRef<Collector.SeriesData> replyTo) ->
                      new ShardingEnvelope<>(
                          source,
                          new Collector.GetSeries(series, now - span.toMillis(), now, replyTo)),
                  timeout,
                  system.scheduler());
          return answer(
              data, d -> d.known() ? seriesAnswer(d, range, format) : unknownSeries(source, d));
        });
  }

  /**
   * The series is not known to its source's collector: 404 naming the series when the source has
   * data, naming the source when it has none (its collector, just started, stops again).
   */
  private Route unknownSeries(String source, Collector.SeriesData data) {
    CompletionStage<SourceSnapshot> latest =
        AskPattern.ask(
            collectors,
            (ActorRef<SourceSnapshot> replyTo) ->
                new ShardingEnvelope<>(source, new Collector.GetLatest(replyTo)),
            timeout,
            system.scheduler());
    return answer(
        latest,
        snapshot ->
            snapshot.series().isEmpty()
                ? ErrorHandling.error(
                    StatusCodes.NOT_FOUND,
                    new ApiError("unknown source", "source", JsonSupport.shorten(source)))
                : seriesAnswer(data, null, "json"));
  }

  private static Route seriesAnswer(Collector.SeriesData data, String range, String format) {
    if (!data.known()) {
      return ErrorHandling.error(
          StatusCodes.NOT_FOUND,
          new ApiError(
              "unknown series",
              "series",
              JsonSupport.shorten(data.seriesId())
                  + " (GET /api/metrics?source="
                  + JsonSupport.shorten(data.sourceId())
                  + " lists them)"));
    }
    SeriesHistory history =
        new SeriesHistory(
            data.sourceId(),
            data.seriesId(),
            range,
            data.resolutionMillis(),
            data.timestamps(),
            data.values(),
            data.min(),
            data.max());
    if (format.equals("csv")) {
      return complete(SeriesExport.csv(history));
    }
    return complete(StatusCodes.OK, history, JsonSupport.marshaller());
  }

  private Route exposition() {
    return optionalHeaderValueByName(
        "Accept",
        accept ->
            answer(
                ask(directory, SourceDirectory.GetLatestAll::new)
                    .thenCombine(
                        ask(directory, SourceDirectory.GetFigures::new),
                        (latest, figures) -> Map.entry(latest, figures))
                    .thenCombine(
                        alertFigures(),
                        (both, alerts) ->
                            render(
                                accept.orElse(null),
                                both.getKey(),
                                both.getValue(),
                                alerts,
                                AuthMetrics.get(system).snapshot(),
                                ownFigures(
                                    LiveMetrics.get(system).snapshots(),
                                    java.util.stream.Stream.concat(
                                            ReceiverMetrics.get(system).snapshots().stream(),
                                            IngestBudgetMetrics.get(system).snapshots().stream())
                                        .toList()))),
                response -> complete(response)));
  }

  private static List<MetricSnapshot> ownFigures(List<MetricSnapshot> a, List<MetricSnapshot> b) {
    List<MetricSnapshot> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    out.addAll(RemoteWriteSender.snapshots());
    return out;
  }

  /** The alert router's figures, or null when it does not answer in time (page without them). */
  private CompletionStage<AlertFigures> alertFigures() {
    if (alertRouter == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return AskPattern.<AlertRouter.Command, AlertFigures>ask(
            alertRouter, AlertRouter.GetFigures::new, timeout, system.scheduler())
        .exceptionally(e -> null);
  }

  private static HttpResponse render(
      String accept,
      SourceDirectory.LatestSnapshots latest,
      SourceDirectory.NodeFigures figures,
      AlertFigures alerts,
      MetricSnapshot auth,
      List<MetricSnapshot> live) {
    // the router's and the API's figures win over the collectors' own of the same name
    List<MetricSnapshot> own =
        new java.util.ArrayList<>(alerts == null ? List.of() : AlertMetrics.snapshots(alerts));
    own.addAll(optimizerSnapshots());
    own.add(auth);
    own.addAll(live);
    java.util.Set<String> ownNames = new java.util.HashSet<>();
    own.forEach(m -> ownNames.add(m.getMetadata().getPrometheusName()));
    List<MetricSnapshot> all = new java.util.ArrayList<>(own);
    for (MetricSnapshot m : MetricsExposition.ownSnapshots(latest.snapshots(), figures)) {
      if (!ownNames.contains(m.getMetadata().getPrometheusName())) {
        all.add(m);
      }
    }
    return page(accept, all);
  }

  /**
   * {@code GET /metrics/collected}: the series collected on this node (viewer role once tokens
   * exist), apart from Pipewatch's own figures on the public {@code /metrics}.
   */
  private Route collected() {
    return optionalHeaderValueByName(
        "Accept",
        accept ->
            answer(
                ask(directory, SourceDirectory.GetLatestAll::new),
                latest ->
                    complete(
                        page(
                            accept.orElse(null),
                            MetricsExposition.collectedSnapshots(latest.snapshots())))));
  }

  private static HttpResponse page(String accept, List<MetricSnapshot> metrics) {
    String contentType = MetricsExposition.contentType(accept);
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
    try {
      (contentType.startsWith("application/openmetrics-text")
              ? OpenMetricsTextFormatWriter.create()
              : PrometheusTextFormatWriter.create())
          .write(body, new MetricSnapshots(metrics));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ContentType type = ContentTypes.parse(contentType.replace("; ", ";"));
    return HttpResponse.create().withEntity(HttpEntities.create(type, body.toByteArray()));
  }

  /** The node's optimizer counters ({@code pipewatch_optimizer_<what>_total{strategy}}). */
  private static List<MetricSnapshot> optimizerSnapshots() {
    List<MetricSnapshot> out = new java.util.ArrayList<>();
    OptimizerMetrics.node()
        .snapshot()
        .forEach(
            (what, byStrategy) -> {
              CounterSnapshot.Builder counter =
                  CounterSnapshot.builder()
                      .name("pipewatch_optimizer_" + what)
                      .help("Optimizer changes " + what.replace('_', ' ') + ", by strategy");
              byStrategy.forEach(
                  (strategy, value) ->
                      counter.dataPoint(
                          CounterSnapshot.CounterDataPointSnapshot.builder()
                              .labels(Labels.of("strategy", strategy))
                              .value(value)
                              .build()));
              out.add(counter.build());
            });
    return out;
  }

  private <T> CompletionStage<T> ask(
      ActorRef<SourceDirectory.Command> target,
      Function<ActorRef<T>, SourceDirectory.Command> message) {
    return AskPattern.ask(target, message::apply, timeout, system.scheduler());
  }

  private <T> Route answer(CompletionStage<T> pending, Function<T, Route> onAnswer) {
    return ErrorHandling.answer(pending, onAnswer, "the collectors", timeout);
  }
}
