package io.pipewatch.analyzer.alert;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The node's "alerts" pub-sub topic ({@link Topic} of {@link Notification}): what the dashboard
 * channel publishes and WebSocket clients read, on any node.
 *
 * <pre>{@code
 * AlertTopic.get(system).tell(Topic.subscribe(myAdapter));
 * }</pre>
 */
public final class AlertTopic implements Extension {

  /** The topic's name. */
  public static final String NAME = "alerts";

  private static final Id ID = new Id();

  private final ActorRef<Topic.Command<Notification>> ref;

  private AlertTopic(ActorSystem<?> system) {
    this.ref =
        system.systemActorOf(
            Topic.create(Notification.class, NAME), "pipewatch-" + NAME + "-topic", Props.empty());
  }

  /** The node's topic, spawned on first call. */
  public static ActorRef<Topic.Command<Notification>> get(ActorSystem<?> system) {
    return ID.apply(system).ref;
  }

  private static final class Id extends ExtensionId<AlertTopic> {
    @Override
    public AlertTopic createExtension(ActorSystem<?> system) {
      return new AlertTopic(system);
    }
  }
}
