package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who did it, for the audit trail of acknowledgements, resolutions and optimizer decisions: the
 * name of the token that authenticated the request ({@link AuthDirective#TOKEN_NAME}), never a name
 * the request body claims. Only in open mode (no token configured, loopback only) does the claimed
 * name stand, or {@code operator} when none is given.
 *
 * <pre>{@code
 * return AuditIdentity.of(action.who(), who -> answer(r -> new Acknowledge(id, who, note, r)));
 * }</pre>
 */
final class AuditIdentity {
  /** The name recorded in open mode when the body names nobody. */
  static final String OPEN_MODE = "operator";

  private AuditIdentity() {}

  /** {@code inner} given the identity of the request ({@code claimed} may be null). */
  static Route of(String claimed, Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(identity(request, claimed)));
  }

  static String identity(HttpRequest request, String claimed) {
    return request
        .getAttribute(AuthDirective.TOKEN_NAME)
        .orElse(claimed == null || claimed.isBlank() ? OPEN_MODE : claimed);
  }
}
