package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.alert.Silence;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Silences:
 *
 * <ul>
 *   <li>{@code GET /api/silences} — every silence not yet ended;
 *   <li>{@code POST /api/silences} with {@code {"matchers": ["source=docpipe-index",
 *       "kind=~cpu|memory"], "duration": "2h", "createdBy": "ana", "comment": "reindex"}} ({@code
 *       startsAt}/{@code endsAt} ISO times instead of a duration; a recurring maintenance window
 *       with {@code "window": {"days": ["SAT"], "from": "22:00", "minutes": 120}}, UTC) — 201 with
 *       the silence and its id;
 *   <li>{@code DELETE /api/silences/{id}} — 204; alerts it held fire again.
 * </ul>
 */
final class SilenceRoutes {
  private final ActorSystem<?> system;
  private final ActorRef<AlertRouter.Command> router;
  private final Duration timeout;

  SilenceRoutes(ActorSystem<?> system, ActorRef<AlertRouter.Command> router, Duration timeout) {
    this.system = system;
    this.router = router;
    this.timeout = timeout;
  }

  Route route() {
    return pathPrefix(
        segment("api").slash("silences"),
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            get(
                                () ->
                                    answer(
                                        AlertRouter.ListSilences::new,
                                        (AlertRouter.Silences s) ->
                                            complete(StatusCodes.OK, s, JsonSupport.marshaller()))),
                            post(() -> AlertRoutes.body(this::add)))),
                path(segment(), id -> delete(() -> remove(id)))));
  }

  private Route add(String body) {
    Silence silence = AlertRequests.silence(body, System.currentTimeMillis());
    return answer(
        r -> new AlertRouter.AddSilence(silence, r),
        (Silence saved) -> complete(StatusCodes.CREATED, saved, JsonSupport.marshaller()));
  }

  private Route remove(String id) {
    return answer(
        r -> new AlertRouter.DeleteSilence(id, r),
        (AlertRouter.Changed c) ->
            c.refusal() == null
                ? complete(StatusCodes.NO_CONTENT)
                : ErrorHandling.error(
                    StatusCodes.NOT_FOUND, new ApiError("unknown silence", "id", id)));
  }

  private <T> Route answer(
      Function<ActorRef<T>, AlertRouter.Command> message, Function<T, Route> onAnswer) {
    return ErrorHandling.answer(
        AskPattern.ask(router, message::apply, timeout, system.scheduler()),
        onAnswer,
        "the alert router",
        timeout);
  }
}
