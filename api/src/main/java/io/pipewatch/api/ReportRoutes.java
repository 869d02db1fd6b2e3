package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.SourceSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A report of the last minutes or hours: {@code GET /api/report?range=1h&format=html} answers a
 * self-contained HTML page (charts as inline SVG drawn here, no script, no outside file) with the
 * bottlenecks, the alerts and the optimizer events of the range; {@code GET
 * /api/report?range=1h&format=json} answers the same content as JSON. {@code range} is {@code <n>m}
 * or {@code <n>h}, from 1 minute to 24 hours (default 1h); {@code format} {@code html} (default) or
 * {@code json}. Anything else answers 400 naming the parameter.
 */
final class ReportRoutes {
  static final Duration MAX_RANGE = Duration.ofHours(24);
  private static final Pattern RANGE = Pattern.compile("([1-9][0-9]{0,4})([mh])");
  private static final int MAX_ALERTS = 500;
  private static final int MAX_OPTIMIZER_EVENTS = 1000;
  private static final int MAX_CHARTS = 48;

  /** A chart of the report: its title and the series names it draws, the first one a source has. */
  record ChartSpec(String title, String unit, List<String> names) {}

  static final List<ChartSpec> CHARTS =
      List.of(
          new ChartSpec(
              "Throughput",
              "docs/s",
              List.of(
                  "pipeline_stage_latency_seconds_rate",
                  "pipeline_end_to_end_latency_seconds_rate")),
          new ChartSpec(
              "Latency p99",
              "s",
              List.of(
                  "pipeline_stage_latency_seconds_p99", "pipeline_end_to_end_latency_seconds_p99")),
          new ChartSpec("Queue depth", "items", List.of("pipeline_stage_queue_depth")),
          new ChartSpec(
              "CPU",
              "ratio",
              List.of("pipeline_stage_cpu_usage_ratio", "host_cpu_utilization_ratio")),
          new ChartSpec(
              "Memory", "bytes", List.of("pipeline_stage_memory_bytes", "host_memory_used_bytes")));

  private final ActorSystem<?> system;
  private final TopLevelActors actors;
  private final Duration timeout;
  private final DashboardReads reads;
  private final OptimizationHistory history;

  ReportRoutes(
      ActorSystem<?> system, TopLevelActors actors, DashboardReads reads, Duration timeout) {
    this.reads = reads;
    this.system = system;
    this.actors = actors;
    this.timeout = timeout;
    this.history = new OptimizationHistory(system);
  }

  Route route() {
    return path(
        segment("api").slash("report"),
        () ->
            get(
                () ->
                    ApiDirectives.queryParameters(
                        Set.of("range", "format"),
                        query -> {
                          String rangeText = query.get("range").orElse("1h");
                          Duration range = parseRange(rangeText);
                          if (range == null) {
                            return ErrorHandling.error(
                                StatusCodes.BAD_REQUEST,
                                new ApiError(
                                    "invalid range",
                                    "range",
                                    "minutes or hours from 1m to 24h, e.g. 15m, 1h, 24h"));
                          }
                          String format = query.get("format").orElse("html");
                          if (!format.equals("html") && !format.equals("json")) {
                            return ErrorHandling.error(
                                StatusCodes.BAD_REQUEST,
                                new ApiError("unknown format", "format", "expected html or json"));
                          }
                          long to = System.currentTimeMillis();
                          return ErrorHandling.answer(
                              gather(rangeText, to - range.toMillis(), to),
                              report -> complete(respond(report, format)),
                              "the report's sources",
                              timeout.multipliedBy(2));
                        })));
  }

  /** {@code 15m}, {@code 4h}: the duration, or null when malformed or outside 1m–24h. */
  static Duration parseRange(String text) {
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    Duration d = m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
    return d.compareTo(MAX_RANGE) > 0 ? null : d;
  }

  private static HttpResponse respond(ObjectNode report, String format) {
    if (format.equals("json")) {
      return HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, report.toString()));
    }
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.TEXT_HTML_UTF8,
                ReportPage.render(report).getBytes(StandardCharsets.UTF_8)));
  }

  /** Collects the report's content; every part is asked at once. */
  private CompletionStage<ObjectNode> gather(String rangeText, long from, long to) {
    CompletionStage<ArrayNode> charts = charts(from, to);
    CompletionStage<BottleneckBoard.Bottlenecks> bottlenecks = reads.bottlenecks();
    CompletionStage<AlertQuery.Page> alerts =
        AskPattern.ask(
            actors.alertRouter(),
            (ActorRef<AlertQuery.Page> r) ->
                new AlertRouter.ListAlerts(
                    new AlertQuery(null, null, null, from, 0, MAX_ALERTS), r),
            timeout,
            system.scheduler());
    CompletionStage<List<OptimizationHistory.Entry>> optimizations =
        history.events(null, from, MAX_OPTIMIZER_EVENTS);
    return charts.thenCompose(
        chartNodes ->
            bottlenecks.thenCompose(
                b ->
                    alerts.thenCombine(
                        optimizations,
                        (a, o) -> {
                          ObjectNode report = JsonSupport.MAPPER.createObjectNode();
                          report.put("generatedAt", Instant.ofEpochMilli(to).toString());
                          report.put("range", rangeText);
                          report.put("from", Instant.ofEpochMilli(from).toString());
                          report.put("to", Instant.ofEpochMilli(to).toString());
                          report.set("charts", chartNodes);
                          report.set(
                              "bottlenecks", JsonSupport.MAPPER.valueToTree(b.bottlenecks()));
                          report.set("alerts", JsonSupport.MAPPER.valueToTree(a.alerts()));
                          report.put("alertsTotal", a.total());
                          report.set("optimizations", JsonSupport.MAPPER.valueToTree(o));
                          return report;
                        })));
  }

  /** For each source and chart, the first series of the chart's names the source has. */
  private CompletionStage<ArrayNode> charts(long from, long to) {
    CompletionStage<SourceDirectory.LatestSnapshots> latest = reads.latest();
    return latest.thenCompose(
        all -> {
          List<CompletableFuture<Collector.SeriesData>> pending = new ArrayList<>();
          List<ChartSpec> specs = new ArrayList<>();
          for (ChartSpec spec : CHARTS) {
            for (SourceSnapshot source : all.snapshots()) {
              String series = pick(source, spec);
              if (series != null && pending.size() < MAX_CHARTS) {
                specs.add(spec);
                pending.add(series(source.sourceId(), series, from, to).toCompletableFuture());
              }
            }
          }
          return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
              .thenApply(
                  v -> {
                    ArrayNode out = JsonSupport.MAPPER.createArrayNode();
                    for (int i = 0; i < pending.size(); i++) {
                      Collector.SeriesData d = pending.get(i).join();
                      ObjectNode chart = out.addObject();
                      chart.put("title", specs.get(i).title());
                      chart.put("unit", specs.get(i).unit());
                      chart.put("source", d.sourceId());
                      chart.put("series", d.seriesId());
                      chart.put("resolutionMillis", d.resolutionMillis());
                      chart.set("timestamps", JsonSupport.MAPPER.valueToTree(d.timestamps()));
                      chart.set("values", JsonSupport.MAPPER.valueToTree(d.values()));
                    }
                    return out;
                  });
        });
  }

  private static String pick(SourceSnapshot source, ChartSpec spec) {
    for (String name : spec.names()) {
      for (SeriesPoint p : source.series()) {
        if (p.name().equals(name)) {
          return p.id();
        }
      }
    }
    return null;
  }

  private CompletionStage<Collector.SeriesData> series(
      String source, String series, long from, long to) {
    return AskPattern.ask(
        actors.collectors(),
        (ActorRef<Collector.SeriesData> replyTo) ->
            new ShardingEnvelope<>(source, new Collector.GetSeries(series, from, to, replyTo)),
        timeout,
        system.scheduler());
  }
}
