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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Owns the simulated demo pipeline of the cluster (a cluster singleton, {@link #init}): starts it
 * in real time (its agents report to the collectors like any service), injects faults on request,
 * and stops it with the actor. Exists only when {@code pipewatch.simulator.demo.enabled} is true.
 *
 * <p>The simulator is synchronized and its pacing step can hold its lock for a while on a loaded
 * machine, so every call into it runs on the blocking-I/O dispatcher and comes back with {@code
 * pipeToSelf}: no dispatcher thread of an actor ever waits on the simulator. It stops feeding the
 * collectors when the node's coordinated shutdown begins (phase {@code service-unbind}), so that no
 * sample is still on its way to a shard being handed off, and is closed, off this actor's thread,
 * when the actor stops or restarts.
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

  /** The simulator's answer to a call made off the actor's thread; never leaves this node. */
  private record Answered<T>(T answer, Throwable failure, ActorRef<T> replyTo, String call)
      implements Command, NoSerializationVerificationNeeded {}

  private DemoPipeline() {}

  /**
   * Runs {@code behavior} as a cluster singleton, once per cluster rather than once per node, and
   * returns its proxy: on the oldest member, moving to the next oldest when that one leaves or is
   * downed (the new instance starts a fresh simulation; injected faults are not carried over).
   */
  static ActorRef<Command> init(ActorSystem<?> system, Behavior<Command> behavior) {
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, "demo-pipeline"));
  }

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
          return running(ctx, simulator);
        });
  }

  /** Drives {@code simulator} (already running or not), which it owns and closes from now on. */
  static Behavior<Command> create(PipelineSimulator simulator) {
    return Behaviors.setup(ctx -> running(ctx, simulator));
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, PipelineSimulator simulator) {
    Executor calls = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    Cancellable stopOnShutdown =
        CoordinatedShutdown.get(ctx.getSystem())
            .addCancellableTask(
                CoordinatedShutdown.PhaseServiceUnbind(),
                "stop-demo-pipeline",
                () -> {
                  closeLater(simulator, calls);
                  return CompletableFuture.completedFuture(Done.getInstance());
                });
    ctx.getLog()
        .info(
            "Demo pipeline '{}' running (set PIPEWATCH_DEMO=false to turn it off)",
            simulator.settings().pipeline());
    return Behaviors.receive(Command.class)
        .onMessage(
            InjectFault.class,
            inject -> {
              call(ctx, calls, "inject", inject.replyTo(), () -> inject(simulator, inject));
              return Behaviors.same();
            })
        .onMessage(
            ListFaults.class,
            list -> {
              call(
                  ctx,
                  calls,
                  "list faults",
                  list.replyTo(),
                  () -> new Faults(simulator.activeFaults(), simulator.groundTruth()));
              return Behaviors.same();
            })
        .onMessage(Answered.class, answered -> reply(ctx, answered))
        .onSignal(
            PostStop.class,
            stop -> {
              stopOnShutdown.cancel();
              closeLater(simulator, calls);
              return Behaviors.same();
            })
        .onSignal(
            PreRestart.class,
            restart -> {
              stopOnShutdown.cancel();
              closeLater(simulator, calls);
              return Behaviors.same();
            })
        .build();
  }

  /** Runs {@code work} on the blocking dispatcher; its answer comes back as {@link Answered}. */
  private static <T> void call(
      ActorContext<Command> ctx,
      Executor calls,
      String name,
      ActorRef<T> replyTo,
      java.util.function.Supplier<T> work) {
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(work, calls),
        (answer, failure) -> new Answered<>(answer, failure, replyTo, name));
  }

  private static <T> Behavior<Command> reply(ActorContext<Command> ctx, Answered<T> answered) {
    if (answered.failure() != null) {
      // No answer: the asking route reports that the demo did not answer; the actor stays up.
      ctx.getLog().error("Demo pipeline: {} failed", answered.call(), answered.failure());
    } else {
      answered.replyTo().tell(answered.answer());
    }
    return Behaviors.same();
  }

  private static InjectionResult inject(PipelineSimulator simulator, InjectFault inject) {
    try {
      return new Injected(simulator.injectFault(inject.request().toSpec()));
    } catch (InvalidFaultException e) {
      return new Refused(e.field(), e.getMessage());
    } catch (RuntimeException e) {
      return new Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Closes the simulator on the blocking dispatcher (closing waits for its pacing thread). */
  private static void closeLater(PipelineSimulator simulator, Executor calls) {
    CompletableFuture.runAsync(simulator::close, calls);
  }
}
