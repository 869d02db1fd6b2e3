package io.pipewatch.collector.probe;

import io.pipewatch.collector.Collector;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Samples this node's host every {@link ProbeSettings#interval()} (100 ms by default) and hands one
 * {@link Collector.Ingest} for source {@code host/<hostname>} to a sink: CPU, load, memory, swap,
 * page faults, disk, network, TCP sockets, the JVM and the container's cgroup figures (at least 24
 * series on Linux; see {@link HostSampler} for names and units). One per node, spawned by the
 * guardian; the sink decides where batches go, typically the collector sharding region:
 *
 * <pre>{@code
 * ActorRef<ShardingEnvelope<Collector.Command>> region = Collector.init(system);
 * context.spawn(
 *     HostProbe.create(ProbeSettings.create(config),
 *         ingest -> region.tell(new ShardingEnvelope<>(ingest.sourceId(), ingest))),
 *     "host-probe");
 * }</pre>
 *
 * <p>The sink is called on the actor's thread, one batch at a time. Sampling reads kernel files
 * from memory (procfs, sysfs), so it does not block on disk; it takes well under a millisecond (see
 * docs/benchmarks.md "Host probe").
 */
public final class HostProbe {

  /** What the probe understands: only its own timer, so nothing is public. */
  public sealed interface Command {}

  /** The timer's tick; local only, never crosses a node. */
  private enum Tick implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private HostProbe() {}

  /** A probe sampling with {@code settings} and sending each batch to {@code sink}. */
  public static Behavior<Command> create(ProbeSettings settings, Consumer<Collector.Ingest> sink) {
    return Behaviors.setup(
        context -> {
          HostSampler sampler = HostSampler.create(settings);
          context
              .getLog()
              .info(
                  "Host probe for {} every {}: {}",
                  sampler.sourceId(),
                  settings.interval(),
                  sampler.describe());
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerAtFixedRate(Tick.INSTANCE, settings.interval());
                return Behaviors.receive(Command.class)
                    .onMessage(
                        Tick.class,
                        tick -> {
                          sink.accept(
                              new Collector.Ingest(
                                  sampler.sourceId(),
                                  System.currentTimeMillis(),
                                  sampler.sample()));
                          return Behaviors.same();
                        })
                    .onSignal(
                        PostStop.class,
                        signal -> {
                          sampler.close();
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}
