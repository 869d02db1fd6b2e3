package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.japi.Pair;

/**
 * The request rules every route shares, so a route cannot forget them:
 *
 * <ul>
 *   <li>{@link #guard} wraps all routes once (in {@link ServerRoutes}): a request body must be
 *       {@code application/json} (else 415), at most {@code pipewatch.api.http.max-request-body}
 *       (else 413); query parameters are for GET only (400 on any other method); and a GET route
 *       that did not declare its parameters with {@link #queryParameters} takes none — {@code
 *       ?sorce=x} on it answers 400 naming {@code sorce}.
 *   <li>{@link #queryParameters} declares the parameters a GET route reads; any other one answers
 *       400 naming it, as does a parameter given twice.
 *   <li>{@link #jsonBody} decodes a request body strictly ({@link JsonSupport#readStrict}); a bad
 *       body answers 400 naming the field ({@code samples[2].value}).
 * </ul>
 *
 * How an undeclared GET route is caught: {@link #queryParameters} marks the route's answer; when a
 * GET with query parameters comes back unmarked, the guard replaces the answer with the 400 (a GET
 * changes nothing, so running it first is harmless). Routes of other methods cannot be caught after
 * the fact, so for them any query parameter is refused before the route runs.
 *
 * <p>A new resource gets all of this by being added to {@link ServerRoutes}; it only has to declare
 * its query parameters and decode its body with these directives:
 *
 * <pre>{@code
 * // GET /api/alerts?severity=critical   and   POST /api/silences {"matcher":"...","duration":"1h"}
 * Route route() {
 *   return concat(
 *       path(segment("api").slash("alerts"), () -> get(() ->
 *           ApiDirectives.queryParameters(Set.of("severity", "state"), query ->
 *               listAlerts(query.get("severity"), query.get("state"))))),
 *       path(segment("api").slash("silences"), () -> post(() ->
 *           ApiDirectives.jsonBody(NewSilence.class, this::silence))));
 * }
 * }</pre>
 *
 * ({@code ApiDirectivesTest.AlertsExample} compiles and runs this example.)
 */
final class ApiDirectives {
  /** Set on a response by {@link #queryParameters}: the route checked its query itself. */
  private static final AttributeKey<Boolean> QUERY_DECLARED =
      AttributeKey.create("pipewatch-query-declared", Boolean.class);

  private ApiDirectives() {}

  /** The query parameters of a request, each given at most once. */
  record Query(Map<String, String> values) {
    /** The value of {@code name}, if given. */
    Optional<String> get(String name) {
      return Optional.ofNullable(values.get(name));
    }
  }

  /**
   * Wraps every route of the node; see the class comment. {@code maxBodyBytes} bounds every request
   * body (a route may set a smaller limit itself).
   */
  static Route guard(long maxBodyBytes, Supplier<Route> routes) {
    return extractRequest(
        request -> {
          List<Pair<String, String>> params;
          try {
            params = request.getUri().query().toList();
          } catch (RuntimeException e) {
            return ErrorHandling.error(
                StatusCodes.BAD_REQUEST,
                new ApiError("malformed query", "query", JsonSupport.shorten(e.getMessage())));
          }
          boolean readOnly =
              request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD);
          if (!readOnly && !params.isEmpty()) {
            return ErrorHandling.error(
                StatusCodes.BAD_REQUEST,
                unknownParameter(
                    params.get(0).first(),
                    request.method().name()
                        + " takes its input in the path or the JSON body, not in query parameters"));
          }
          Optional<ApiError> badType = contentTypeError(request);
          if (badType.isPresent()) {
            return ErrorHandling.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, badType.get());
          }
          Supplier<Route> limited = () -> withSizeLimit(maxBodyBytes, routes);
          if (params.isEmpty()) {
            return limited.get();
          }
          String first = params.get(0).first();
          return mapResponse(
              response ->
                  response.getAttribute(QUERY_DECLARED).isPresent()
                      ? response.removeAttribute(QUERY_DECLARED)
                      : errorResponse(
                          StatusCodes.BAD_REQUEST,
                          unknownParameter(first, "this route takes no query parameters")),
              limited);
        });
  }

  /**
   * Declares the query parameters a route reads ({@code known}); any other parameter, or one given
   * twice, answers 400 naming it.
   */
  static Route queryParameters(Set<String> known, Function<Query, Route> inner) {
    return mapResponse(
        response -> response.addAttribute(QUERY_DECLARED, Boolean.TRUE),
        () ->
            extractRequest(
                request -> {
                  Map<String, String> values = new LinkedHashMap<>();
                  for (Pair<String, String> param : request.getUri().query().toList()) {
                    String name = param.first();
                    if (!known.contains(name)) {
                      return ErrorHandling.error(
                          StatusCodes.BAD_REQUEST,
                          unknownParameter(
                              name,
                              known.isEmpty()
                                  ? "this route takes no query parameters"
                                  : "known parameters: "
                                      + String.join(", ", new TreeSet<>(known))));
                    }
                    if (values.putIfAbsent(name, param.second()) != null) {
                      return ErrorHandling.error(
                          StatusCodes.BAD_REQUEST,
                          new ApiError(
                              "query parameter '" + name + "' given more than once",
                              name,
                              "give it once"));
                    }
                  }
                  return inner.apply(new Query(Map.copyOf(values)));
                }));
  }

  /**
   * Decodes the request body as a {@code type} with {@link JsonSupport#readStrict}: a body that is
   * not JSON, has unknown fields or a value of the wrong type answers 400 naming the field; a body
   * that is not {@code application/json} answers 415.
   */
  static <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequest(
        request -> {
          Optional<ApiError> badType = contentTypeError(request);
          if (badType.isPresent()) {
            return ErrorHandling.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, badType.get());
          }
          if (request.entity().isKnownEmpty()) {
            return ErrorHandling.error(
                StatusCodes.BAD_REQUEST,
                new ApiError("empty body", "body", "expected a JSON object"));
          }
          return entity(
              Unmarshaller.entityToByteArray(),
              bytes -> {
                JsonSupport.Read<T> read = JsonSupport.readStrict(bytes, type);
                if (read instanceof JsonSupport.Value<T> value) {
                  return inner.apply(value.value());
                }
                return ErrorHandling.error(
                    StatusCodes.BAD_REQUEST, ((JsonSupport.Refused<T>) read).error());
              });
        });
  }

  /** Why the request's body cannot be taken as JSON, if it cannot. */
  private static Optional<ApiError> contentTypeError(HttpRequest request) {
    HttpEntity entity = request.entity();
    if (entity.isKnownEmpty()) {
      return Optional.empty();
    }
    if (entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return Optional.empty();
    }
    return Optional.of(
        new ApiError(
            "unsupported content type",
            "Content-Type",
            "a request body must be application/json, got " + entity.getContentType().mediaType()));
  }

  private static ApiError unknownParameter(String name, String detail) {
    String shown = JsonSupport.shorten(name);
    return new ApiError("unknown query parameter '" + shown + "'", shown, detail);
  }

  private static HttpResponse errorResponse(StatusCode status, ApiError error) {
    return HttpResponse.create().withStatus(status).withEntity(ErrorHandling.json(error));
  }
}
