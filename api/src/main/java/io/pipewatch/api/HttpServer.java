package io.pipewatch.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

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
          ctx.pipeToSelf(
              Http.get(ctx.getSystem())
                  .newServerAt(settings.httpInterface(), settings.httpPort())
                  .bind(routes.route()),
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
                    ctx.getLog().info("Pipewatch HTTP listening on http://{}", where);
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
                            settings.httpInterface(),
                            settings.httpPort(),
                            failed.cause().getMessage());
                    CoordinatedShutdown.get(Adapter.toClassic(ctx.getSystem())).runAll(BIND_FAILED);
                    return Behaviors.stopped();
                  })
              .build();
        });
  }
}
