package io.pipewatch.api;

import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import io.pipewatch.simulator.FaultRequest;
import io.pipewatch.simulator.GroundTruth;
import io.pipewatch.simulator.InvalidFaultException;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Owns the simulated demo pipeline of this node: starts it in real time (its agents report to the
 * collectors like any service), injects faults on request, and stops it with the actor. Exists only
 * when {@code pipewatch.simulator.demo.enabled} is true.
 */
final class DemoPipeline {

  /** Everything the demo pipeline understands. */
  sealed interface Command extends CborSerializable {}

  /** Injects a fault; answers {@link Injected} or {@link Refused}. */
  record InjectFault(FaultRequest request, ActorRef<InjectionResult> replyTo) implements Command {}

  /** Asks for every fault injected so far, active or ended; answers {@link Faults}. */
  record ListFaults(ActorRef<Faults> replyTo) implements Command {}

  /** The outcome of an injection. */
  sealed interface InjectionResult extends CborSerializable {}

  record Injected(GroundTruth fault) implements InjectionResult {}

  record Refused(String field, String message) implements InjectionResult {}

  /** The simulator failed on a valid-looking request; the actor keeps running. */
  record Failed(String message) implements InjectionResult {}

  /** Faults injected so far ({@code all}) and those acting now ({@code active}). */
  record Faults(List<GroundTruth> active, List<GroundTruth> all) implements CborSerializable {}

  private DemoPipeline() {}

  static Behavior<Command> create(SimulatorSettings settings, Consumer<Collector.Ingest> sink) {
    return Behaviors.setup(
        ctx -> {
          PipelineSimulator simulator = PipelineSimulator.startRealTime(settings, sink);
          ctx.getLog()
              .info(
                  "Demo pipeline '{}' running (set PIPEWATCH_DEMO=false to turn it off)",
                  settings.pipeline());
          return Behaviors.receive(Command.class)
              .onMessage(
                  InjectFault.class,
                  inject -> {
                    inject.replyTo().tell(inject(simulator, inject.request()));
                    return Behaviors.same();
                  })
              .onMessage(
                  ListFaults.class,
                  list -> {
                    list.replyTo()
                        .tell(new Faults(simulator.activeFaults(), simulator.groundTruth()));
                    return Behaviors.same();
                  })
              .onSignal(
                  PostStop.class,
                  stop -> {
                    simulator.close();
                    return Behaviors.same();
                  })
              .onSignal(
                  PreRestart.class,
                  restart -> {
                    simulator.close();
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static InjectionResult inject(PipelineSimulator simulator, FaultRequest request) {
    try {
      return new Injected(simulator.injectFault(request.toSpec()));
    } catch (InvalidFaultException e) {
      return new Refused(e.field(), e.getMessage());
    } catch (RuntimeException e) {
      return new Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
