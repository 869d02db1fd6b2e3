package io.pipewatch.optimizer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The node's {@code optimizations} pub-sub topic of {@link OptimizationNotice}s, spawned on first
 * use; topics of the same name on other nodes find each other through the receptionist.
 */
public final class OptimizationTopic implements Extension {

  /** The topic's name. */
  public static final String NAME = "optimizations";

  private static final Id ID = new Id();

  private final ActorRef<Topic.Command<OptimizationNotice>> ref;

  private OptimizationTopic(ActorSystem<?> system) {
    this.ref =
        system.systemActorOf(
            Topic.create(OptimizationNotice.class, NAME),
            "pipewatch-" + NAME + "-topic",
            Props.empty());
  }

  /** The node's topic, spawned on first call. */
  public static ActorRef<Topic.Command<OptimizationNotice>> get(ActorSystem<?> system) {
    return ID.apply(system).ref;
  }

  private static final class Id extends ExtensionId<OptimizationTopic> {
    @Override
    public OptimizationTopic createExtension(ActorSystem<?> system) {
      return new OptimizationTopic(system);
    }
  }
}
