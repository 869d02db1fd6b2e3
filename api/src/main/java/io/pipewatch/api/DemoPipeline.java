package io.pipewatch.api;

import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.agent.Agent;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.KnobEndpoint;
import io.pipewatch.optimizer.ObservationFeed;
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
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

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

  /** Faults injected so far ({@code all}) and those acting now ({@code active}). */
  record Faults(List<GroundTruth> active, List<GroundTruth> all) implements CborSerializable {}

  private DemoPipeline() {}

  static Behavior<Command> create(SimulatorSettings settings, Consumer<Collector.Ingest> sink) {
    return create(settings, sink, null, 1000);
  }

  /**
   * The demo pipeline whose services are tuned by {@code optimizers} (if not null): one {@link
   * KnobEndpoint} per simulated service reports its knobs and an observation every {@code
   * observationMillis}, and applies the settings that come back. It starts untuned ({@code
   * demo.untuned}).
   */
  static Behavior<Command> create(
      SimulatorSettings settings,
      Consumer<Collector.Ingest> sink,
      ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers,
      long observationMillis) {
    return Behaviors.setup(
        ctx -> {
          ObservationFeed feed = new ObservationFeed(observationMillis);
          PipelineSimulator simulator =
              PipelineSimulator.startRealTime(settings, sink.andThen(feed));
          simulator.applyKnobs(settings.demo().untuned());
          if (optimizers != null) {
            for (Agent agent : simulator.agents().values()) {
              ActorRef<KnobEndpoint.Command> endpoint =
                  ctx.spawn(KnobEndpoint.create(agent, optimizers), "knobs-" + agent.sourceId());
              feed.connect(agent.sourceId(), o -> endpoint.tell(new KnobEndpoint.Observed(o)));
            }
          }
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
              .build();
        });
  }

  private static InjectionResult inject(PipelineSimulator simulator, FaultRequest request) {
    try {
      return new Injected(simulator.injectFault(request.toSpec()));
    } catch (InvalidFaultException e) {
      return new Refused(e.field(), e.getMessage());
    }
  }
}
