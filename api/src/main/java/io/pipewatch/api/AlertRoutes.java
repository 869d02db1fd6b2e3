package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.alert.Alert;
import io.pipewatch.analyzer.alert.AlertQuery;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Alerts, as the {@link AlertRouter} keeps them:
 *
 * <ul>
 *   <li>{@code GET
 *       /api/alerts?status=firing&severity=critical&source=svc-a&since=15m&offset=0&limit=100} —
 *       newest first, every filter optional ({@code since}: ISO time, epoch ms or a duration back);
 *       {@code {"alerts": [...], "total", "offset", "limit"}};
 *   <li><code>GET /api/alerts/</code><var>id</var> — one alert with its history and notification
 *       log;
 *   <li>{@code POST /api/alerts/{id}/ack} with {@code {"who": "ana", "note": "on it"}};
 *   <li>{@code POST /api/alerts/{id}/resolve} with optional {@code {"who", "note"}};
 *   <li>{@code POST /api/alerts/incoming} — Alertmanager's webhook payload ({@link
 *       IncomingAlertRoutes});
 *   <li>{@code POST /api/test-alert} with optional {@code {"severity", "channel", "note"}} — a test
 *       alert routed like any other (201 with the alert).
 * </ul>
 *
 * Unknown parameters or fields, bad values: 400 naming the field; unknown alert: 404; an action on
 * a resolved alert: 409.
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/test-alert -H 'Content-Type: application/json' \
 *   -d '{"severity":"warning","note":"checking the pager"}'
 * }</pre>
 */
final class AlertRoutes {
  private final ActorSystem<?> system;
  private final ActorRef<AlertRouter.Command> router;
  private final Duration timeout;
  private final List<String> channels;

  AlertRoutes(
      ActorSystem<?> system,
      ActorRef<AlertRouter.Command> router,
      Duration timeout,
      List<String> channels) {
    this.system = system;
    this.router = router;
    this.timeout = timeout;
    this.channels = List.copyOf(channels);
  }

  Route route() {
    return concat(
        new IncomingAlertRoutes(system, router, timeout).route(),
        pathPrefix(
            segment("api").slash("alerts"),
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(this::list)),
                    path(segment(), id -> get(() -> one(id))),
                    path(
                        segment().slash("ack"),
                        id -> post(() -> body(b -> act(id, AlertRequests.action(b, true), true)))),
                    path(
                        segment().slash("resolve"),
                        id ->
                            post(
                                () -> body(b -> act(id, AlertRequests.action(b, false), false)))))),
        path(segment("api").slash("test-alert"), () -> post(() -> body(this::test))));
  }

  private Route list() {
    return ApiDirectives.queryParameters(
        AlertRequests.QUERY_PARAMETERS,
        params ->
            checked(
                () -> {
                  AlertQuery query =
                      AlertRequests.query(params.values(), System.currentTimeMillis());
                  return answer(
                      r -> new AlertRouter.ListAlerts(query, r),
                      (AlertQuery.Page page) ->
                          complete(StatusCodes.OK, page, JsonSupport.marshaller()));
                }));
  }

  private Route one(String id) {
    return answer(
        r -> new AlertRouter.GetAlert(id, r),
        (AlertRouter.Found found) ->
            found.alert() == null
                ? ErrorHandling.error(
                    StatusCodes.NOT_FOUND, new ApiError("unknown alert", "id", id))
                : complete(StatusCodes.OK, found.alert(), JsonSupport.marshaller()));
  }

  private Route act(String id, AlertRequests.Action action, boolean ack) {
    // the audit trail names the token, not whom the body claims (AuditIdentity)
    return AuditIdentity.of(
        action.who(),
        who ->
            answer(
                r ->
                    ack
                        ? new AlertRouter.Acknowledge(id, who, action.note(), r)
                        : new AlertRouter.Resolve(id, who, action.note(), r),
                (AlertRouter.Changed changed) -> changed(changed, id)));
  }

  static Route changed(AlertRouter.Changed changed, String id) {
    if (changed.refusal() == null) {
      return complete(StatusCodes.OK, changed.alert(), JsonSupport.marshaller());
    }
    if (changed.refusal().equals("not-found")) {
      return ErrorHandling.error(StatusCodes.NOT_FOUND, new ApiError("unknown alert", "id", id));
    }
    return ErrorHandling.error(
        StatusCodes.CONFLICT, new ApiError("alert cannot change", "id", changed.detail()));
  }

  private Route test(String body) {
    AlertRequests.TestAlert t = AlertRequests.testAlert(body, channels);
    return answer(
        r -> new AlertRouter.RaiseTest(t.severity(), t.channel(), t.note(), r),
        (Alert alert) -> complete(StatusCodes.CREATED, alert, JsonSupport.marshaller()));
  }

  /** The request body as text, handed to {@code handler}; bad input answers 400. */
  static Route body(Function<String, Route> handler) {
    return entity(Unmarshaller.entityToString(), b -> checked(() -> handler.apply(b)));
  }

  static Route checked(Supplier<Route> route) {
    try {
      return route.get();
    } catch (AlertRequests.Invalid e) {
      return ErrorHandling.error(StatusCodes.BAD_REQUEST, e.error);
    }
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
