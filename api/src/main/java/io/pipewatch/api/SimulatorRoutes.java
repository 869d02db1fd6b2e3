package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.simulator.FaultRequest;
import io.pipewatch.simulator.InvalidFaultException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The demo pipeline's faults: {@code POST /api/simulator/faults} injects one and answers 201 with
 * its ground truth (kind, stage, source, start, end); {@code GET /api/simulator/faults} lists the
 * active ones and every one so far. 404 when the demo pipeline is off. A bad body (unknown field,
 * wrong type, a duration or delay over 24 h, an intensity outside (0, 1]) answers 400 naming the
 * field and injects nothing.
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/simulator/faults -H 'Content-Type: application/json' \
 *   -d '{"kind":"cpu-saturation","stage":"embed","duration":"60s"}'
 * }</pre>
 */
final class SimulatorRoutes {
  private final ActorSystem<?> system;
  private final ActorRef<DemoPipeline.Command> demo;
  private final Duration timeout;

  /** {@code demo} is null when the demo pipeline is off. */
  SimulatorRoutes(ActorSystem<?> system, ActorRef<DemoPipeline.Command> demo, Duration timeout) {
    this.system = system;
    this.demo = demo;
    this.timeout = timeout;
  }

  Route route() {
    return path(
        segment("api").slash("simulator").slash("faults"),
        () ->
            demo == null
                ? ErrorHandling.error(
                    StatusCodes.NOT_FOUND,
                    new ApiError(
                        "the demo pipeline is off",
                        null,
                        "start the server with PIPEWATCH_DEMO=true"
                            + " (pipewatch.simulator.demo.enabled) to inject faults"))
                : concat(
                    get(
                        () ->
                            answer(
                                AskPattern.ask(
                                    demo,
                                    DemoPipeline.ListFaults::new,
                                    timeout,
                                    system.scheduler()),
                                faults ->
                                    complete(StatusCodes.OK, faults, JsonSupport.marshaller()))),
                    post(() -> ApiDirectives.jsonBody(FaultRequest.class, this::inject))));
  }

  private Route inject(FaultRequest request) {
    try {
      request.toSpec();
    } catch (InvalidFaultException e) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST, new ApiError("invalid fault", e.field(), e.getMessage()));
    }
    return answer(
        AskPattern.<DemoPipeline.Command, DemoPipeline.InjectionResult>ask(
            demo,
            replyTo -> new DemoPipeline.InjectFault(request, replyTo),
            timeout,
            system.scheduler()),
        SimulatorRoutes::injectionAnswer);
  }

  private static Route injectionAnswer(DemoPipeline.InjectionResult result) {
    if (result instanceof DemoPipeline.Injected injected) {
      return complete(StatusCodes.CREATED, injected.fault(), JsonSupport.marshaller());
    }
    if (result instanceof DemoPipeline.Refused refused) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST,
          new ApiError("invalid fault", refused.field(), refused.message()));
    }
    return ErrorHandling.error(
        StatusCodes.INTERNAL_SERVER_ERROR,
        new ApiError(
            "the simulator failed to inject the fault",
            null,
            ((DemoPipeline.Failed) result).message()));
  }

  private <T> Route answer(
      CompletionStage<T> pending, java.util.function.Function<T, Route> onAnswer) {
    return ErrorHandling.answer(pending, onAnswer, "the demo pipeline", timeout);
  }
}
