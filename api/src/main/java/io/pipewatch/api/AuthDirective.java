package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;

/**
 * Decides who may call which route, from {@link RouteTable}, before any route runs.
 *
 * <ul>
 *   <li>No token configured: every route is open (the server is bound to loopback only).
 *   <li>Otherwise a route that is not public needs {@code Authorization: Bearer <token>} (on {@code
 *       /ws} also {@code ?access_token=<token>}, for browsers): none or an unknown one answers 401
 *       with {@code WWW-Authenticate: Bearer}, too weak a role 403. A path missing from the table
 *       needs a viewer for GET and an admin for anything else.
 *   <li>An ingest token limited to source prefixes gets 403 naming {@code source} for a batch of
 *       another source.
 *   <li>A WebSocket upgrade with an {@code Origin} that is neither the server's own nor listed in
 *       {@code pipewatch.api.allowed-origins} answers 403 naming {@code Origin}, tokens or not.
 * </ul>
 *
 * Every refusal is counted by reason ({@link AuthMetrics}) and answers the one error shape.
 */
final class AuthDirective {
  static final String ACCESS_TOKEN = "access_token";

  /**
   * The name of the token that authenticated the request, for the routes behind (per-token ingest
   * quotas, audit identity); absent in open mode and on public routes.
   */
  static final AttributeKey<String> TOKEN_NAME =
      AttributeKey.create("pipewatch-token-name", String.class);

  /** The role of the token that authenticated the request (absent as {@link #TOKEN_NAME}). */
  static final AttributeKey<Role> TOKEN_ROLE =
      AttributeKey.create("pipewatch-token-role", Role.class);

  /** The WebSocket subprotocol that carries a browser's token: {@code bearer.<token>}. */
  static final String BEARER_PROTOCOL = "bearer.";

  private static final String WS = "/ws";
  private static final String INGEST = "/api/ingest";

  private final AuthSettings settings;
  private final ApiTokens tokens;
  private final AuthMetrics metrics;
  private final long maxIngestBytes;
  private final FailedAuthLimiter failures;

  AuthDirective(ActorSystem<?> system, AuthSettings settings, long maxIngestBytes) {
    this.settings = settings;
    this.tokens = new ApiTokens(settings.tokens());
    this.metrics = AuthMetrics.get(system);
    this.maxIngestBytes = maxIngestBytes;
    this.failures =
        new FailedAuthLimiter(
            settings.failuresPerMinute(), java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
  }

  /** {@code routes}, reachable only by the callers this class admits. */
  Route wrap(Supplier<Route> routes) {
    return extractRequest(
        request -> {
          List<String> path = segments(request);
          String method = request.method().name();
          Optional<RouteTable.Entry> entry = RouteTable.find(method, path);
          boolean ws = entry.map(e -> e.template().equals(WS)).orElse(false);
          if ((ws || upgrade(request)) && !originAllowed(request)) {
            return refuse(
                "origin",
                StatusCodes.FORBIDDEN,
                new ApiError(
                    "origin not allowed",
                    "Origin",
                    "a WebSocket may be opened from this server's own pages or from an origin"
                        + " listed in pipewatch.api.allowed-origins"));
          }
          Supplier<Route> passOn = ws ? () -> withoutAccessToken(routes) : routes;
          if (settings.open()) {
            return foreignToOpenServer(request, method).map(this::refuseForeign).orElseGet(passOn);
          }
          Role needed =
              entry
                  .map(RouteTable.Entry::role)
                  .orElse(method.equals("GET") || method.equals("HEAD") ? Role.VIEWER : Role.ADMIN);
          if (needed == Role.PUBLIC) {
            // a valid token on a public route tells it who asks (health detail for viewers)
            return bearer(request)
                .flatMap(tokens::find)
                .map(t -> withCaller(t, passOn))
                .orElseGet(passOn);
          }
          String address = IngestRoutes.address(request);
          long wait = failures.waitSeconds(address, System.nanoTime());
          if (wait > 0) {
            return respondWithHeader(
                RetryAfter.create(wait),
                () ->
                    refuse(
                        "throttled",
                        StatusCodes.TOO_MANY_REQUESTS,
                        new ApiError(
                            "too many failed authentications",
                            "Authorization",
                            "this address failed authentication "
                                + settings.failuresPerMinute()
                                + " times in the last minute"
                                + " (pipewatch.api.auth.failures-per-minute); retry after "
                                + wait
                                + " s")));
          }
          Optional<String> header =
              request.getHeader("authorization").map(HttpHeader::value).map(String::trim);
          Optional<String> secret;
          if (header.isPresent()) {
            if (!header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
              failures.failed(address, System.nanoTime());
              return unauthorized("malformed", "the Authorization header must be 'Bearer <token>'");
            }
            secret = Optional.of(header.get().substring(7).trim());
          } else {
            secret = ws ? protocolToken(request).or(() -> accessToken(request)) : Optional.empty();
          }
          if (secret.isEmpty() || secret.get().isEmpty()) {
            failures.failed(address, System.nanoTime());
            return unauthorized(
                "missing",
                "this route needs a token: Authorization: Bearer <token>"
                    + (ws ? " or ?access_token=<token>" : ""));
          }
          Optional<AuthSettings.ApiToken> token = tokens.find(secret.get());
          if (token.isEmpty()) {
            failures.failed(address, System.nanoTime());
            return unauthorized("invalid", "unknown token");
          }
          if (!needed.admits(token.get().role())) {
            return refuse(
                "role",
                StatusCodes.FORBIDDEN,
                new ApiError(
                    "forbidden",
                    "Authorization",
                    "this route needs role "
                        + needed.id()
                        + (needed == Role.INGEST ? " (or admin)" : " or above")
                        + "; token '"
                        + token.get().name()
                        + "' has role "
                        + token.get().role().id()));
          }
          AuthSettings.ApiToken caller = token.get();
          Supplier<Route> asCaller = () -> withCaller(caller, passOn);
          boolean limited = !token.get().sourcePrefixes().isEmpty();
          boolean ingestBatch = entry.map(e -> e.template().equals(INGEST)).orElse(false);
          if (limited && needed == Role.INGEST && !ingestBatch) {
            // the Alertmanager receiver names sources in labels: a token kept to some sources
            // must not raise or clear alerts on others
            return refuse(
                "source",
                StatusCodes.FORBIDDEN,
                new ApiError(
                    "forbidden",
                    "source",
                    "token '"
                        + token.get().name()
                        + "' may only send batches of sources starting with "
                        + token.get().sourcePrefixes()
                        + " to POST /api/ingest"));
          }
          return limited && ingestBatch ? checkSource(token.get(), asCaller) : asCaller.get();
        });
  }

  /** Reads the batch (bounded) and refuses it when its source is not one the token may write. */
  private Route checkSource(AuthSettings.ApiToken token, Supplier<Route> passOn) {
    return extractStrictEntity(
        Duration.ofSeconds(10),
        maxIngestBytes,
        entity -> {
          if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return passOn.get();
          }
          Optional<String> source = source(entity.getData().toArray());
          if (source.isEmpty() || token.mayIngest(source.get())) {
            // no single string source: the decoder refuses the batch with 400 naming the field
            return passOn.get();
          }
          return refuse(
              "source",
              StatusCodes.FORBIDDEN,
              new ApiError(
                  "forbidden",
                  "source",
                  "token '"
                      + token.name()
                      + "' may only send sources starting with "
                      + String.join(" or ", token.sourcePrefixes())
                      + ", not '"
                      + JsonSupport.shorten(source.get())
                      + "'"));
        });
  }

  /** The batch's top-level {@code source} when it is one string (the decoder's rule too). */
  static Optional<String> source(byte[] body) {
    try (JsonParser p = JsonSupport.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      String source = null;
      int seen = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("source")) {
          seen++;
          source = value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return seen == 1 ? Optional.ofNullable(source) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Route unauthorized(String reason, String detail) {
    return respondWithHeader(
        WWWAuthenticate.create(
            reason.equals("invalid")
                ? HttpChallenge.create("Bearer", "pipewatch", Map.of("error", "invalid_token"))
                : HttpChallenge.create("Bearer", "pipewatch")),
        () ->
            refuse(
                reason,
                StatusCodes.UNAUTHORIZED,
                new ApiError("unauthorized", "Authorization", detail)));
  }

  private Route refuse(
      String reason, org.apache.pekko.http.javadsl.model.StatusCode status, ApiError error) {
    metrics.failed(reason);
    return ErrorHandling.error(status, error);
  }

  /** Path segments, decoded, without a trailing empty one ({@code /api/alerts/} as /api/alerts). */
  static List<String> segments(HttpRequest request) {
    List<String> out = new ArrayList<>();
    request.getUri().pathSegments().forEach(out::add);
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static boolean upgrade(HttpRequest request) {
    return request
        .getHeader("upgrade")
        .map(h -> h.value().toLowerCase(Locale.ROOT).contains("websocket"))
        .orElse(false);
  }

  /**
   * Without tokens the server is reachable from this machine only, but a web page open in a browser
   * on it is too: refuse a request addressed to another host name (DNS rebinding) and a change sent
   * from another site's page (a cross-site POST needs no preflight when its body is empty).
   */
  private Optional<ApiError> foreignToOpenServer(HttpRequest request, String method) {
    Optional<String> host = request.getHeader("host").map(HttpHeader::value).map(String::trim);
    if (host.isPresent() && !loopbackHost(host.get())) {
      return Optional.of(
          new ApiError(
              "host not allowed",
              "Host",
              "with no API token configured the server answers requests for localhost only;"
                  + " configure tokens (pipewatch.api.auth) to serve other host names"));
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      return Optional.empty();
    }
    Optional<String> origin = request.getHeader("origin").map(HttpHeader::value).map(String::trim);
    boolean crossSite =
        request
            .getHeader("sec-fetch-site")
            .map(h -> h.value().trim().equalsIgnoreCase("cross-site"))
            .orElse(false);
    boolean foreignOrigin =
        origin.isPresent()
            && settings.allowedOrigins().stream().noneMatch(o -> o.equalsIgnoreCase(origin.get()))
            && !loopbackOrigin(origin.get());
    if (crossSite || foreignOrigin) {
      return Optional.of(
          new ApiError(
              "cross-site request refused",
              "Origin",
              "a change may come from this server's own pages, a loopback origin or one listed in"
                  + " pipewatch.api.allowed-origins"));
    }
    return Optional.empty();
  }

  private Route refuseForeign(ApiError error) {
    return refuse(error.field().equals("Host") ? "host" : "origin", StatusCodes.FORBIDDEN, error);
  }

  /** {@code localhost}, {@code 127.x.x.x} or {@code [::1]}, with or without a port. */
  static boolean loopbackHost(String hostHeader) {
    try {
      String name = URI.create("//" + hostHeader).getHost();
      return name != null && loopbackName(name);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean loopbackOrigin(String origin) {
    try {
      String name = URI.create(origin).getHost();
      return name != null && loopbackName(name);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean loopbackName(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.equals("localhost")
        || n.endsWith(".localhost")
        || n.equals("[::1]")
        || n.equals("::1")
        || n.matches("127(\\.\\d{1,3}){3}");
  }

  /** No Origin (not a browser), the server's own, or an allowed one. */
  private boolean originAllowed(HttpRequest request) {
    Optional<String> origin = request.getHeader("origin").map(HttpHeader::value).map(String::trim);
    if (origin.isEmpty()) {
      return true;
    }
    if (settings.allowedOrigins().stream().anyMatch(o -> o.equalsIgnoreCase(origin.get()))) {
      return true;
    }
    Optional<String> host = request.getHeader("host").map(HttpHeader::value).map(String::trim);
    if (host.isEmpty()) {
      return false;
    }
    try {
      URI from = URI.create(origin.get());
      URI self = URI.create("//" + host.get());
      if (from.getHost() == null || self.getHost() == null) {
        return false;
      }
      int usual = "https".equalsIgnoreCase(from.getScheme()) ? 443 : 80;
      int fromPort = from.getPort() != -1 ? from.getPort() : usual;
      int selfPort = self.getPort() != -1 ? self.getPort() : usual;
      return from.getHost().equalsIgnoreCase(self.getHost()) && fromPort == selfPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Optional<String> accessToken(HttpRequest request) {
    try {
      return request.getUri().query().get(ACCESS_TOKEN);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code routes} with the caller's token name and role on the request. */
  private static Route withCaller(AuthSettings.ApiToken token, Supplier<Route> routes) {
    return mapRequest(
        r -> r.addAttribute(TOKEN_NAME, token.name()).addAttribute(TOKEN_ROLE, token.role()),
        routes);
  }

  /** The bearer token of the Authorization header, if it has one. */
  private static Optional<String> bearer(HttpRequest request) {
    return request
        .getHeader("authorization")
        .map(HttpHeader::value)
        .map(String::trim)
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).trim());
  }

  /**
   * A browser's token on {@code /ws}: the subprotocol {@code bearer.<token>} it offers in {@code
   * Sec-WebSocket-Protocol} (next to {@code pipewatch}, which the server selects). Unlike {@code
   * ?access_token=}, it lands in no URL, so in no proxy or access log.
   */
  static Optional<String> protocolToken(HttpRequest request) {
    return request
        .getHeader("sec-websocket-protocol")
        .map(HttpHeader::value)
        .flatMap(
            value -> {
              for (String offered : value.split(",")) {
                String p = offered.trim();
                if (p.startsWith(BEARER_PROTOCOL) && p.length() > BEARER_PROTOCOL.length()) {
                  return Optional.of(p.substring(BEARER_PROTOCOL.length()));
                }
              }
              return Optional.empty();
            });
  }

  /** The request without {@code access_token}: the token is auth's, not the route's. */
  private static Route withoutAccessToken(Supplier<Route> routes) {
    return mapRequest(
        request -> {
          List<Pair<String, String>> kept;
          try {
            kept =
                request.getUri().query().toList().stream()
                    .filter(p -> !p.first().equals(ACCESS_TOKEN))
                    .toList();
          } catch (RuntimeException e) {
            return request;
          }
          @SuppressWarnings("unchecked")
          Pair<String, String>[] pairs = kept.toArray(Pair[]::new);
          return request.withUri(request.getUri().query(Query.create(pairs)));
        },
        routes);
  }
}
