package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.respondWithDefaultHeaders;

import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The browser-side protections every answer of the node carries, API and static files alike, errors
 * included: a Content-Security-Policy that loads scripts only from this origin and forbids framing
 * ({@code frame-ancestors 'none'}, with {@code X-Frame-Options: DENY} for older browsers), {@code
 * X-Content-Type-Options: nosniff}, no referrer across origins. A cross-site page therefore cannot
 * frame the dashboard and trick clicks on Ack, Silence or Approve.
 *
 * <p>Styles may be inline ({@code 'unsafe-inline'} for {@code style-src} only): the HTML report and
 * Swagger UI style elements inline; no script is inline (Swagger UI's start-up is a file, {@link
 * DocsRoutes#INIT_SCRIPT}).
 *
 * <pre>{@code
 * Route all = SecurityHeaders.wrap(() -> routes);
 * }</pre>
 */
final class SecurityHeaders {
  /** The policy of every answer. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** Every header added, by name. */
  static final List<HttpHeader> HEADERS =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Referrer-Policy", "same-origin"));

  private SecurityHeaders() {}

  /** {@code inner} with the headers on every answer (a route's own header of a name wins). */
  static Route wrap(Supplier<Route> inner) {
    return respondWithDefaultHeaders(HEADERS, inner);
  }
}
