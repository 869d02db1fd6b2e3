package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.agent.Agent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * The optimizer's handle on a service in the cluster: owns nothing but a reference to the service's
 * {@link Agent}. It reports the agent's knobs (with their current values) and each {@link
 * Observation} to the source's {@link AdaptiveOptimizer}, and applies the {@link ChangeSetting}s
 * that come back, answering the value the agent actually holds. A change id it has applied before
 * is acknowledged again but not applied twice.
 *
 * <pre>{@code
 * ActorRef<KnobEndpoint.Command> endpoint =
 *     context.spawn(KnobEndpoint.create(agent, optimizers), "knobs-" + agent.sourceId());
 * endpoint.tell(new KnobEndpoint.Observed(observation));
 * }</pre>
 */
public final class KnobEndpoint {
  private static final int REMEMBERED = 256;

  /** Everything an endpoint understands. */
  public sealed interface Command extends CborSerializable {}

  /** Set {@code knob = value} for change {@code changeId} of optimizer {@code sourceId}. */
  public record ChangeSetting(String changeId, String knob, double value, String sourceId)
      implements Command {}

  /** A new observation of the service: report it with the knobs. */
  public record Observed(Observation observation) implements Command {}

  private KnobEndpoint() {}

  public static Behavior<Command> create(
      Agent agent, ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers) {
    return Behaviors.setup(
        ctx -> {
          Set<String> applied = new HashSet<>();
          Deque<String> order = new ArrayDeque<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Observed.class,
                  o -> {
                    optimizers.tell(
                        new ShardingEnvelope<>(
                            agent.sourceId(),
                            new AdaptiveOptimizer.Report(
                                agent.knobs(), o.observation(), ctx.getSelf())));
                    return Behaviors.same();
                  })
              .onMessage(
                  ChangeSetting.class,
                  c -> {
                    AdaptiveOptimizer.Command answer;
                    try {
                      if (applied.add(c.changeId())) {
                        order.addLast(c.changeId());
                        if (order.size() > REMEMBERED) {
                          applied.remove(order.removeFirst());
                        }
                        agent.changeSetting(c.knob(), c.value());
                        ctx.getLog()
                            .info(
                                "Applied {} = {} to '{}' (change {})",
                                c.knob(),
                                c.value(),
                                agent.sourceId(),
                                c.changeId());
                      }
                      answer =
                          new AdaptiveOptimizer.SettingAcked(
                              c.changeId(), c.knob(), valueOf(agent, c.knob()));
                    } catch (IllegalArgumentException e) {
                      answer =
                          new AdaptiveOptimizer.SettingRefused(
                              c.changeId(), c.knob(), e.getMessage());
                    }
                    optimizers.tell(new ShardingEnvelope<>(agent.sourceId(), answer));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static double valueOf(Agent agent, String knob) {
    return agent.knobs().stream()
        .filter(k -> k.name().equals(knob))
        .findFirst()
        .map(k -> k.value())
        .orElse(Double.NaN);
  }
}
