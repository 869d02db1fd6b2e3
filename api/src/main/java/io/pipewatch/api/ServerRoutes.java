package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;

import io.pipewatch.collector.ingest.otlp.OtlpSettings;
import io.pipewatch.collector.ingest.remotewrite.RemoteWriteSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every route of the node, wrapped so that every error answers in the one JSON error shape and
 * every request passes {@link AuthDirective} (tokens and roles from {@link RouteTable}) and then
 * the shared rules of {@link ApiDirectives#guard} (JSON bodies, declared query parameters, body
 * size); every answer carries {@link SecurityHeaders}. A new resource is one more line in the
 * {@code concat} below and one in {@link RouteTable}.
 */
final class ServerRoutes {
  private final Route route;

  ServerRoutes(ActorSystem<?> system, TopLevelActors actors, ServerContext server) {
    java.time.Duration askTimeout = server.settings().api().askTimeout();
    WebSocketSettings ws = server.settings().websocket();
    DashboardReads reads =
        new DashboardReads(system, actors, server.settings().api(), ws.figures());
    var hub = LiveHub.start(system, ws, server.settings().api().nodeId(), reads::figures);
    OptimizationRoutes optimizations =
        new OptimizationRoutes(system, actors.optimizers(), askTimeout);
    Route all =
        concat(
            new StaticRoutes().route(),
            new HealthRoutes(system, actors.guardian(), server).route(),
            new DocsRoutes().route(),
            new NodeRoutes(system, actors.startHistory(), server.settings().api()).route(),
            new IngestRoutes(system, actors.collectors(), actors.optimizers(), server.settings())
                .route(),
            new MetricsRoutes(system, actors, server.settings().api()).route(),
            new SemanticsRoutes(system, actors.collectors(), askTimeout).route(),
            new ReportRoutes(system, actors, reads, server.settings().api().askTimeout()).route(),
            new BottleneckRoutes(
                    system,
                    actors.bottleneckBoard(),
                    server.settings().api(),
                    server.settings().analyzer().boardRecentPatterns())
                .route(),
            new AlertRoutes(
                    system,
                    actors.alertRouter(),
                    server.settings().api().askTimeout(),
                    server.settings().alerts().channels().stream().map(c -> c.name()).toList())
                .route(),
            new SilenceRoutes(system, actors.alertRouter(), server.settings().api().askTimeout())
                .route(),
            optimizations.route(),
            new WebSocketRoutes(system, hub, ws).route(),
            new DashboardRoutes(system, reads, optimizations, hub, askTimeout, ws.defaultInterval())
                .route(),
            new SimulatorRoutes(
                    system,
                    actors.demoPipeline().orElse(null),
                    server.settings().api().askTimeout())
                .route());
    // Protocol receivers take protobuf bodies: they check type, encoding and size themselves,
    // outside the JSON guard (issue 22).
    var config = system.settings().config();
    Route protocols =
        concat(
            new OtlpRoutes(
                    system,
                    actors.collectors(),
                    server.settings().ingest(),
                    OtlpSettings.create(config),
                    askTimeout)
                .route(),
            new RemoteWriteRoutes(
                    system,
                    actors.collectors(),
                    server.settings().ingest(),
                    RemoteWriteSettings.create(config),
                    askTimeout)
                .route());
    RemoteWriteSender.startIfEnabled(system, actors.sourceDirectory());
    long maxBody = server.settings().api().maxRequestBodyBytes();
    AuthDirective auth =
        new AuthDirective(
            system, server.settings().api().auth(), server.settings().ingest().maxBodyBytes());
    this.route =
        SecurityHeaders.wrap(
            () ->
                handleExceptions(
                    ErrorHandling.exceptions(system),
                    () ->
                        handleRejections(
                            ErrorHandling.rejections(),
                            () ->
                                auth.wrap(
                                    () ->
                                        concat(
                                            protocols, ApiDirectives.guard(maxBody, () -> all))))));
  }

  Route route() {
    return route;
  }
}
