package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.collector.semantics.RoleMatch;
import io.pipewatch.collector.semantics.Semantics;
import io.pipewatch.collector.semantics.SemanticsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/sources/{source}/semantics}: what each metric of a source means to Pipewatch —
 * its role, where the role came from ({@code declared} by the service, {@code configured}, or a
 * {@code convention}), the reason (which convention and rule matched), the unit, the queue or
 * memory pair and scope, and the stored series derived from it. Metrics with no role are listed
 * too, with {@code role: null} and what was tried. 404 for a source with no data.
 *
 * <pre>{@code
 * curl -s localhost:8080/api/sources/docpipe-parse/semantics
 * {"source":"docpipe-parse","metrics":[{"metric":"pipeline_stage_queue_depth",
 *   "labels":{"stage":"parse"},"kind":"gauge","role":"queue-length","origin":"convention",
 *   "reason":"Pipewatch demo pipeline: stage queue","unit":"count","pair":"pipeline_stage_queue",
 *   "series":["pipeline_stage_queue_depth{stage=\"parse\"}"]}, ...],"withRole":20,"withoutRole":3}
 * }</pre>
 */
final class SemanticsRoutes {

  /** The answer. */
  record Answer(String source, List<MetricRole> metrics, int withRole, int withoutRole) {}

  /** One metric (name and labels) and its role. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MetricRole(
      String metric,
      Map<String, String> labels,
      String kind,
      String role,
      String origin,
      String reason,
      String unit,
      String pair,
      String scope,
      List<String> series) {}

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<Collector.Command>> collectors;
  private final Duration timeout;
  private final Semantics semantics;

  SemanticsRoutes(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<Collector.Command>> collectors,
      Duration timeout) {
    this.system = system;
    this.collectors = collectors;
    this.timeout = timeout;
    this.semantics = Semantics.create(SemanticsSettings.create(system.settings().config()));
  }

  Route route() {
    return path(
        segment("api").slash("sources").slash(segment()).slash("semantics"),
        source -> get(() -> semanticsOf(source)));
  }

  private Route semanticsOf(String source) {
    return ErrorHandling.answer(
        AskPattern.ask(
            collectors,
            (ActorRef<SourceSnapshot> replyTo) ->
                new ShardingEnvelope<>(source, new Collector.GetLatest(replyTo)),
            timeout,
            system.scheduler()),
        snapshot ->
            snapshot.latestSamples().isEmpty()
                ? ErrorHandling.error(
                    StatusCodes.NOT_FOUND,
                    new ApiError("unknown source", "source", JsonSupport.shorten(source)))
                : complete(StatusCodes.OK, answer(source, snapshot), JsonSupport.marshaller()),
        "the collector of source '" + source + "'",
        timeout);
  }

  Answer answer(String source, SourceSnapshot snapshot) {
    List<MetricRole> out = new ArrayList<>();
    int with = 0;
    for (Sample s : snapshot.latestSamples()) {
      RoleMatch m = semantics.resolve(s);
      with += m.matched() ? 1 : 0;
      out.add(
          new MetricRole(
              s.name(),
              s.labels(),
              lower(s.kind().name()),
              m.matched() ? m.role().id() : null,
              lower(m.origin().name()),
              m.reason(),
              lower(m.unit().name()),
              m.pair(),
              m.scope().isEmpty() ? null : m.scope(),
              derived(s, snapshot.series())));
    }
    return new Answer(source, out, with, out.size() - with);
  }

  private static List<String> derived(Sample s, List<SeriesPoint> series) {
    boolean distribution = s.kind() == MetricKind.HISTOGRAM || s.kind() == MetricKind.TIMER;
    List<String> ids = new ArrayList<>();
    for (SeriesPoint p : series) {
      if (!p.labels().equals(s.labels())) {
        continue;
      }
      if (p.name().equals(s.name())
          || distribution
              && p.name().startsWith(s.name() + "_")
              && p.name().length() <= s.name().length() + 5) {
        ids.add(p.id());
      }
    }
    return ids;
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
