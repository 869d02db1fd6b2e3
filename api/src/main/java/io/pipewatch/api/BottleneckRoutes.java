package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.BottleneckKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What the analyzers found on this node:
 *
 * <ul>
 *   <li>{@code GET /api/bottlenecks?source=docpipe-embed&kind=cpu&minImpact=0.3} — active
 *       bottlenecks, highest impact first, with kind, severity, impact, confidence and evidence
 *       (every filter optional);
 *   <li>{@code GET /api/patterns} — fleet patterns across sources, active and recently ended.
 * </ul>
 */
final class BottleneckRoutes {
  private final ActorSystem<?> system;
  private final ActorRef<BottleneckBoard.Command> board;
  private final Duration timeout;

  BottleneckRoutes(
      ActorSystem<?> system, ActorRef<BottleneckBoard.Command> board, Duration timeout) {
    this.system = system;
    this.board = board;
    this.timeout = timeout;
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
                            AskPattern.ask(
                                board,
                                BottleneckBoard.GetPatterns::new,
                                timeout,
                                system.scheduler()),
                            patterns ->
                                complete(StatusCodes.OK, patterns, JsonSupport.marshaller()),
                            "the bottleneck board",
                            timeout))));
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
        AskPattern.<BottleneckBoard.Command, BottleneckBoard.Bottlenecks>ask(
            board,
            replyTo ->
                new BottleneckBoard.GetBottlenecks(
                    source.orElse(null), kindFilter, impactFilter, replyTo),
            timeout,
            system.scheduler()),
        found -> complete(StatusCodes.OK, found, JsonSupport.marshaller()),
        "the bottleneck board",
        timeout);
  }
}
