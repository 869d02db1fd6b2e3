package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.OptimizerMetrics;
import io.pipewatch.optimizer.OptimizerState;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * The optimizers' control and read side:
 *
 * <ul>
 *   <li>{@code GET /api/optimizations} — per source: mode, knobs with current values, the change in
 *       flight, the last decisions, open recommendations;
 *   <li>{@code GET
 *       /api/optimizations/history?source=docpipe-embed&since=2026-01-01T00:00:00Z&limit=50} —
 *       every event from the journal in Cassandra ({@code since} epoch milliseconds or ISO-8601
 *       instant, {@code limit} 1..10000, default 1000: the most recent);
 *   <li>{@code POST /api/optimizations/{id}/approve|reject|rollback} — {@code id} as in the
 *       history, e.g. {@code docpipe-embed#3} ({@code %23} in a URL);
 *   <li>{@code PUT /api/optimizations/mode} — body {@code {"source": "docpipe-embed" | "all",
 *       "mode": "off" | "recommend" | "auto"}};
 *   <li>{@code POST /api/optimizations/changes} — an operator forces a change, body {@code
 *       {"source", "knob", "value", "reason"}}; evaluated and rolled back if harmful like any;
 *   <li>{@code GET /api/optimizations/metrics} — the optimizers' own counters (Prometheus text).
 * </ul>
 */
final class OptimizationRoutes {
  private static final int MAX_LIMIT = 10_000;
  private static final Set<String> HISTORY_PARAMS = Set.of("source", "since", "limit");

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers;
  private final Duration timeout;
  private final OptimizationHistory history;

  OptimizationRoutes(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers,
      Duration timeout) {
    this.system = system;
    this.optimizers = optimizers;
    this.timeout = timeout;
    this.history = new OptimizationHistory(system);
  }

  Route route() {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "optimizations",
                () ->
                    concat(
                        pathEndOrSingleSlash(() -> get(this::overview)),
                        path(segment("history"), () -> get(this::history)),
                        path(segment("metrics"), () -> get(this::metrics)),
                        path(segment("mode"), () -> put(this::setMode)),
                        path(segment("changes"), () -> post(this::force)),
                        path(
                            segment().slash(segment()),
                            (id, action) -> post(() -> act(id, action))))));
  }

  // ------------------------------------------------------------------ reads

  private Route overview() {
    return parameterMap(
        params -> {
          if (!params.isEmpty()) {
            return unknownParameter(params.keySet().iterator().next(), "no parameters");
          }
          CompletionStage<List<Map<String, Object>>> all = overviewList();
          return ErrorHandling.answer(
              all,
              list -> complete(StatusCodes.OK, Map.of("sources", list), JsonSupport.marshaller()),
              "the optimizers",
              timeout);
        });
  }

  /** Every optimizer's view as {@code GET /api/optimizations} lists it (also for the dashboard). */
  CompletionStage<List<Map<String, Object>>> overviewList() {
    return history
        .sources()
        .thenCompose(
            sources -> {
              List<CompletableFuture<Map<String, Object>>> each = new ArrayList<>();
              for (String source : sources) {
                each.add(status(source).thenApply(this::view).toCompletableFuture());
              }
              return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                  .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
            });
  }

  private CompletionStage<AdaptiveOptimizer.Status> status(String source) {
    return AskPattern.ask(
        optimizers,
        (ActorRef<AdaptiveOptimizer.Status> replyTo) ->
            new ShardingEnvelope<>(source, new AdaptiveOptimizer.GetStatus(replyTo)),
        timeout,
        system.scheduler());
  }

  private Map<String, Object> view(AdaptiveOptimizer.Status status) {
    OptimizerState s = status.state();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", status.sourceId());
    out.put("mode", status.mode().id());
    out.put(
        "knobs",
        s.knobs().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList());
    if (s.inFlight() != null) {
      OptimizerState.InFlight c = s.inFlight();
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("id", c.id());
      change.put("phase", c.phase().name().toLowerCase());
      change.put("proposal", c.proposal());
      change.put("proposedMillis", c.proposedMillis());
      change.put("appliedMillis", c.appliedMillis());
      out.put("inFlight", change);
    }
    out.put("decisions", s.decisions());
    out.put("recommendations", s.recommendations());
    return out;
  }

  private Route history() {
    return ApiDirectives.queryParameters(
        HISTORY_PARAMS,
        query -> {
          Map<String, String> params = query.values();
          for (String key : params.keySet()) {
            if (!HISTORY_PARAMS.contains(key)) {
              return unknownParameter(key, "source, since, limit");
            }
          }
          String source = params.get("source");
          if (source != null && source.isBlank()) {
            return bad("empty source", "source", "a source id, or leave the parameter out");
          }
          long since = 0;
          if (params.containsKey("since")) {
            String text = params.get("since");
            try {
              since =
                  text.matches("\\d{1,15}")
                      ? Long.parseLong(text)
                      : Instant.parse(text).toEpochMilli();
            } catch (NumberFormatException | DateTimeParseException e) {
              return bad("invalid since", "since", "epoch milliseconds or an ISO-8601 instant");
            }
          }
          int limit = 1000;
          if (params.containsKey("limit")) {
            try {
              limit = Integer.parseInt(params.get("limit"));
            } catch (NumberFormatException e) {
              limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
              return bad("invalid limit", "limit", "an integer from 1 to " + MAX_LIMIT);
            }
          }
          long from = since;
          int max = limit;
          return ErrorHandling.answer(
              history.events(source, from, max),
              events ->
                  complete(StatusCodes.OK, Map.of("events", events), JsonSupport.marshaller()),
              "the journal",
              timeout.multipliedBy(3));
        });
  }

  private Route metrics() {
    return complete(
        StatusCodes.OK,
        HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, OptimizerMetrics.node().exposition()));
  }

  // ------------------------------------------------------------------ commands

  private Route act(String id, String action) {
    int hash = id.lastIndexOf('#');
    if (hash < 1 || hash == id.length() - 1) {
      return bad("invalid change id", "id", "expected <source>#<n>, e.g. docpipe-embed%233");
    }
    String source = id.substring(0, hash);
    return AuditIdentity.of(null, by -> act(id, source, action, by));
  }

  private Route act(String id, String source, String action, String by) {
    return switch (action) {
      case "approve" -> command(source, r -> new AdaptiveOptimizer.Approve(id, by, r));
      case "reject" -> command(source, r -> new AdaptiveOptimizer.Reject(id, by, null, r));
      case "rollback" -> command(source, r -> new AdaptiveOptimizer.Rollback(id, by, r));
      default ->
          ErrorHandling.error(
              StatusCodes.NOT_FOUND,
              new ApiError("unknown action", "action", "approve, reject or rollback"));
    };
  }

  private Route setMode() {
    return AuditIdentity.of(null, this::setMode);
  }

  private Route setMode(String by) {
    return entity(
        Jackson.unmarshaller(JsonSupport.MAPPER, JsonNode.class),
        body -> {
          if (!body.isObject()) {
            return bad("expected a JSON object", null, "{\"source\": ..., \"mode\": ...}");
          }
          for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("source") && !f.equals("mode")) {
              return bad("unknown field", f, "expected source and mode");
            }
          }
          JsonNode sourceNode = body.get("source");
          if (sourceNode == null || !sourceNode.isTextual() || sourceNode.asText().isBlank()) {
            return bad("missing source", "source", "a source id or \"all\"");
          }
          JsonNode modeNode = body.get("mode");
          Mode mode =
              modeNode != null && modeNode.isTextual() ? Mode.find(modeNode.asText()) : null;
          if (mode == null) {
            return bad("invalid mode", "mode", "off, recommend or auto");
          }
          String source = sourceNode.asText();
          if (!source.equals("all")) {
            return command(source, r -> new AdaptiveOptimizer.SetMode(mode, by, r));
          }
          CompletionStage<List<String>> done =
              history
                  .sources()
                  .thenCompose(
                      sources -> {
                        List<CompletableFuture<StatusReply<AdaptiveOptimizer.Status>>> each =
                            new ArrayList<>();
                        for (String s : sources) {
                          each.add(
                              AskPattern
                                  .<ShardingEnvelope<AdaptiveOptimizer.Command>,
                                      StatusReply<AdaptiveOptimizer.Status>>
                                      ask(
                                          optimizers,
                                          r ->
                                              new ShardingEnvelope<>(
                                                  s, new AdaptiveOptimizer.SetMode(mode, by, r)),
                                          timeout,
                                          system.scheduler())
                                  .toCompletableFuture());
                        }
                        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                            .thenApply(v -> sources);
                      });
          return ErrorHandling.answer(
              done,
              sources ->
                  complete(
                      StatusCodes.OK,
                      Map.of("mode", mode.id(), "sources", sources),
                      JsonSupport.marshaller()),
              "the optimizers",
              timeout);
        });
  }

  private Route force() {
    return entity(
        Jackson.unmarshaller(JsonSupport.MAPPER, JsonNode.class),
        body -> {
          if (!body.isObject()) {
            return bad(
                "expected a JSON object", null, "{\"source\", \"knob\", \"value\", \"reason\"}");
          }
          for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("source", "knob", "value", "reason").contains(f)) {
              return bad("unknown field", f, "expected source, knob, value, reason");
            }
          }
          JsonNode source = body.get("source");
          if (source == null || !source.isTextual() || source.asText().isBlank()) {
            return bad("missing source", "source", "a source id");
          }
          JsonNode knob = body.get("knob");
          if (knob == null || !knob.isTextual() || knob.asText().isBlank()) {
            return bad("missing knob", "knob", "a knob name of the source");
          }
          JsonNode value = body.get("value");
          if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            return bad("invalid value", "value", "a finite number within the knob's bounds");
          }
          JsonNode reason = body.get("reason");
          if (reason != null && (!reason.isTextual() || reason.asText().length() > 500)) {
            return bad("invalid reason", "reason", "a string of at most 500 characters");
          }
          String why = reason == null ? null : reason.asText();
          return command(
              source.asText(),
              r -> new AdaptiveOptimizer.ForceChange(knob.asText(), value.asDouble(), why, r));
        });
  }

  private Route command(
      String source,
      Function<ActorRef<StatusReply<AdaptiveOptimizer.Status>>, AdaptiveOptimizer.Command> make) {
    CompletionStage<StatusReply<AdaptiveOptimizer.Status>> reply =
        AskPattern.ask(
            optimizers,
            (ActorRef<StatusReply<AdaptiveOptimizer.Status>> r) ->
                new ShardingEnvelope<>(source, make.apply(r)),
            timeout,
            system.scheduler());
    return ErrorHandling.answer(
        reply,
        answer ->
            answer.isSuccess()
                ? complete(StatusCodes.OK, view(answer.getValue()), JsonSupport.marshaller())
                : ErrorHandling.error(
                    StatusCodes.CONFLICT,
                    new ApiError("refused", null, answer.getError().getMessage())),
        "the optimizer of " + source,
        timeout);
  }

  private static Route bad(String error, String field, String detail) {
    return ErrorHandling.error(StatusCodes.BAD_REQUEST, new ApiError(error, field, detail));
  }

  private static Route unknownParameter(String name, String allowed) {
    return bad("unknown parameter", name, "allowed: " + allowed);
  }
}
