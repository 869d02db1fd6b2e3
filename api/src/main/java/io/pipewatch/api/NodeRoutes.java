package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/node}: this node's id and start history (how many times it started, first and
 * last), read from the journal.
 *
 * <pre>{@code
 * curl -s localhost:8080/api/node
 * {"nodeId":"laptop","starts":3,"firstStartedAt":"...","lastStartedAt":"..."}
 * }</pre>
 */
final class NodeRoutes {

  /** The answer of {@code GET /api/node}. */
  record NodeInfo(String nodeId, long starts, Instant firstStartedAt, Instant lastStartedAt) {}

  private final ActorSystem<?> system;
  private final ActorRef<StartHistory.Command> startHistory;
  private final ApiSettings settings;

  NodeRoutes(
      ActorSystem<?> system, ActorRef<StartHistory.Command> startHistory, ApiSettings settings) {
    this.system = system;
    this.startHistory = startHistory;
    this.settings = settings;
  }

  Route route() {
    return path(
        segment("api").slash("node"),
        () ->
            get(
                () ->
                    ErrorHandling.answer(
                        AskPattern.<StartHistory.Command, StartHistory.State>ask(
                            startHistory,
                            StartHistory.GetStarts::new,
                            settings.askTimeout(),
                            system.scheduler()),
                        state ->
                            complete(
                                StatusCodes.OK,
                                new NodeInfo(
                                    settings.nodeId(),
                                    state.starts(),
                                    state.firstStartedAt(),
                                    state.lastStartedAt()),
                                JsonSupport.marshaller()),
                        "the start history (is the journal reachable? see /api/health)",
                        settings.askTimeout())));
  }
}
