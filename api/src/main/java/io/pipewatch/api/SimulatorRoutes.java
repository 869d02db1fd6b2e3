package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.pipewatch.simulator.FaultRequest;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The demo pipeline's faults: {@code POST /api/simulator/faults} injects one and answers 201 with
 * its ground truth (kind, stage, source, start, end); {@code GET /api/simulator/faults} lists the
 * active ones and every one so far. 404 when the demo pipeline is off.
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/simulator/faults -H 'Content-Type: application/json' \
 *   -d '{"kind":"cpu-saturation","stage":"embed","duration":"60s"}'
 * }</pre>
 */
final class SimulatorRoutes {
  private static final ObjectMapper STRICT =
      JsonSupport.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
                    post(() -> entity(Unmarshaller.entityToString(), this::parseAndInject))));
  }

  private Route parseAndInject(String body) {
    FaultRequest request;
    try {
      request = STRICT.readValue(body, FaultRequest.class);
    } catch (UnrecognizedPropertyException e) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST,
          new ApiError(
              "unknown field '" + e.getPropertyName() + "'",
              e.getPropertyName(),
              "known fields: kind, stage, duration, intensity, delay"));
    } catch (JsonProcessingException e) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST, new ApiError("malformed JSON", "body", e.getOriginalMessage()));
    }
    if (request == null) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST, new ApiError("empty body", "body", "expected a JSON object"));
    }
    return inject(request);
  }

  private Route inject(FaultRequest request) {
    return answer(
        AskPattern.<DemoPipeline.Command, DemoPipeline.InjectionResult>ask(
            demo,
            replyTo -> new DemoPipeline.InjectFault(request, replyTo),
            timeout,
            system.scheduler()),
        result ->
            result instanceof DemoPipeline.Injected injected
                ? complete(StatusCodes.CREATED, injected.fault(), JsonSupport.marshaller())
                : refused((DemoPipeline.Refused) result));
  }

  private static Route refused(DemoPipeline.Refused refused) {
    return ErrorHandling.error(
        StatusCodes.BAD_REQUEST, new ApiError("invalid fault", refused.field(), refused.message()));
  }

  private <T> Route answer(
      CompletionStage<T> pending, java.util.function.Function<T, Route> onAnswer) {
    return ErrorHandling.answer(pending, onAnswer, "the demo pipeline", timeout);
  }
}
