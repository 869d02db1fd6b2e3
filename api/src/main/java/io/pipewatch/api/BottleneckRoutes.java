package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What the analyzers found, in the whole cluster, from any node:
 *
 * <ul>
 *   <li>{@code GET /api/bottlenecks?source=docpipe-embed&kind=cpu&minImpact=0.3} — active
 *       bottlenecks, highest impact first, with kind, severity, impact, confidence and evidence
 *       (every filter optional);
 *   <li>{@code GET /api/patterns} — fleet patterns across sources, active and recently ended.
 * </ul>
 *
 * <p>Both ask every node's {@link BottleneckBoard} through {@link FanOut} and merge ({@link
 * ClusterMerge}); a board that does not answer within {@code pipewatch.api.fan-out-timeout} is
 * named in {@code "partial"} and the answer is still a 200.
 */
final class BottleneckRoutes {
  /** The answer of {@code GET /api/bottlenecks}. */
  record BottlenecksAnswer(List<Bottleneck> bottlenecks, List<FanOut.Partial> partial) {}

  /** The answer of {@code GET /api/patterns}. */
  record PatternsAnswer(
      List<FailurePattern> active, List<FailurePattern> recent, List<FanOut.Partial> partial) {}

  private final FanOut fanOut;
  private final ActorRef<BottleneckBoard.Command> board;
  private final int recentPatterns;

  /**
   * {@code board}: this node's bottleneck board; {@code recentPatterns}: how many recently ended
   * patterns a merged answer keeps.
   */
  BottleneckRoutes(
      ActorSystem<?> system,
      ActorRef<BottleneckBoard.Command> board,
      ApiSettings settings,
      int recentPatterns) {
    this.fanOut = new FanOut(system, settings.fanOutTimeout());
    this.board = board;
    this.recentPatterns = recentPatterns;
  }

  Route route() {
    return concat(
        path(segment("api").slash("bottlenecks"), () -> get(this::bottlenecks)),
        path(
            segment("api").slash("patterns"),
            () ->
                get(
                    () ->
                        ErrorHandling.answer(
                            fanOut.<BottleneckBoard.Command, FleetAnalyzer.Patterns>ask(
                                BottleneckBoard.SERVICE_KEY,
                                board,
                                BottleneckBoard.GetPatterns::new),
                            all -> {
                              FleetAnalyzer.Patterns merged =
                                  ClusterMerge.patterns(all.answers(), recentPatterns);
                              return complete(
                                  StatusCodes.OK,
                                  new PatternsAnswer(
                                      merged.active(), merged.recent(), all.partial()),
                                  JsonSupport.marshaller());
                            },
                            "the receptionist",
                            fanOut.timeout()))));
  }

  private Route bottlenecks() {
    return ApiDirectives.queryParameters(
        Set.of("source", "kind", "minImpact"),
        query -> bottlenecks(query.get("source"), query.get("kind"), query.get("minImpact")));
  }

  private Route bottlenecks(
      Optional<String> source, Optional<String> kindParam, Optional<String> minImpactParam) {
    BottleneckKind kind = null;
    if (kindParam.isPresent()) {
      kind = BottleneckKind.find(kindParam.get());
      if (kind == null) {
        return ErrorHandling.error(
            StatusCodes.BAD_REQUEST,
            new ApiError(
                "unknown kind",
                "kind",
                "expected one of "
                    + Arrays.stream(BottleneckKind.values())
                        .map(BottleneckKind::id)
                        .collect(Collectors.joining(", "))));
      }
    }
    double minImpact = 0;
    if (minImpactParam.isPresent()) {
      try {
        minImpact = Double.parseDouble(minImpactParam.get());
      } catch (NumberFormatException e) {
        minImpact = Double.NaN;
      }
      if (!(minImpact >= 0 && minImpact <= 1)) {
        return ErrorHandling.error(
            StatusCodes.BAD_REQUEST,
            new ApiError("invalid minImpact", "minImpact", "expected a number from 0 to 1"));
      }
    }
    BottleneckKind kindFilter = kind;
    double impactFilter = minImpact;
    return ErrorHandling.answer(
        fanOut.<BottleneckBoard.Command, BottleneckBoard.Bottlenecks>ask(
            BottleneckBoard.SERVICE_KEY,
            board,
            replyTo ->
                new BottleneckBoard.GetBottlenecks(
                    source.orElse(null), kindFilter, impactFilter, replyTo)),
        all ->
            complete(
                StatusCodes.OK,
                new BottlenecksAnswer(ClusterMerge.bottlenecks(all.answers()), all.partial()),
                JsonSupport.marshaller()),
        "the receptionist",
        fanOut.timeout());
  }
}
