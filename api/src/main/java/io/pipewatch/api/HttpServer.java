package io.pipewatch.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;

/**
 * Binds the node's HTTP server (REST, WebSocket, /metrics, dashboard) and unbinds it on coordinated
 * shutdown. A port that cannot be bound stops the node with a clear log line: a server that
 * silently serves nothing is worse than one that does not start.
 */
final class HttpServer {

  /** Messages of the HTTP server actor: only the outcome of its own bind. */
  sealed interface Command {}

  private record Bound(ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  /** Why the node stops when HTTP cannot bind (the exit code of {@link Main} says so too). */
  static final CoordinatedShutdown.Reason BIND_FAILED =
      new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
          return "HttpBindFailed";
        }
      };

  private HttpServer() {}

  static Behavior<Command> create(ServerContext server, TopLevelActors actors) {
    return Behaviors.setup(
        ctx -> {
          ApiSettings settings = server.settings().api();
          ServerRoutes routes = new ServerRoutes(ctx.getSystem(), actors, server);
          String host = bindInterface(settings);
          if (settings.auth().open()) {
            if (!host.equals(settings.httpInterface())) {
              ctx.getLog()
                  .warn(
                      "No API token configured (pipewatch.api.auth, env PIPEWATCH_API_TOKENS):"
                          + " binding HTTP to {} instead of {} so that the open API is reachable"
                          + " from this host only",
                      host,
                      settings.httpInterface());
            } else {
              ctx.getLog()
                  .info(
                      "No API token configured: every route is open, HTTP bound to loopback {}",
                      host);
            }
          } else {
            ctx.getLog().info("API tokens configured: {}", settings.auth().tokens().size());
          }
          ServerBuilder builder = Http.get(ctx.getSystem()).newServerAt(host, settings.httpPort());
          CompletionStage<ServerBinding> bind;
          try {
            if (settings.tls().enabled()) {
              builder = builder.enableHttps(TlsContext.server(settings.tls()));
            }
            bind = builder.bind(routes.route());
          } catch (IllegalArgumentException e) {
            bind = CompletableFuture.failedFuture(e);
          }
          ctx.pipeToSelf(
              bind,
              (binding, failure) -> failure == null ? new Bound(binding) : new BindFailed(failure));
          return Behaviors.receive(Command.class)
              .onMessage(
                  Bound.class,
                  bound -> {
                    InetSocketAddress address = bound.binding().localAddress();
                    bound
                        .binding()
                        .addToCoordinatedShutdown(Duration.ofSeconds(5), ctx.getSystem());
                    String where = address.getHostString() + ":" + address.getPort();
                    ctx.getLog()
                        .info(
                            "Pipewatch HTTP listening on {}://{}",
                            settings.tls().enabled() ? "https" : "http",
                            where);
                    actors.guardian().tell(new Guardian.HttpBound(where));
                    return Behaviors.same();
                  })
              .onMessage(
                  BindFailed.class,
                  failed -> {
                    ctx.getLog()
                        .error(
                            "Cannot bind HTTP to {}:{} (pipewatch.api.http.port, env"
                                + " PIPEWATCH_HTTP_PORT): {}",
                            host,
                            settings.httpPort(),
                            failed.cause().getMessage());
                    CoordinatedShutdown.get(Adapter.toClassic(ctx.getSystem())).runAll(BIND_FAILED);
                    return Behaviors.stopped();
                  })
              .build();
        });
  }

  /**
   * The configured interface, or 127.0.0.1 when no token is configured and it is not a loopback
   * address: an open API is never reachable from other hosts.
   */
  static String bindInterface(ApiSettings settings) {
    String configured = settings.httpInterface();
    return settings.auth().open() ? loopbackOnly(configured) : configured;
  }

  /** {@code configured} if every address it names is a loopback address, else 127.0.0.1. */
  static String loopbackOnly(String configured) {
    try {
      for (InetAddress address : InetAddress.getAllByName(configured)) {
        if (!address.isLoopbackAddress()) {
          return "127.0.0.1";
        }
      }
      return configured;
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
