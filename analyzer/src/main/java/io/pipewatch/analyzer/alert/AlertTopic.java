package io.pipewatch.analyzer.alert;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The node's "alerts" pub-sub topic ({@link Topic} of {@link AlertNews}): the dashboard channel's
 * notifications and the router's {@link AlertChange}s, read by WebSocket clients on any node.
 *
 * <pre>{@code
 * AlertTopic.get(system).tell(Topic.subscribe(myAdapter));
 * }</pre>
 */
public final class AlertTopic implements Extension {

  /** The topic's name. */
  public static final String NAME = "alerts";

  private static final Id ID = new Id();

  private final ActorRef<Topic.Command<AlertNews>> ref;

  private AlertTopic(ActorSystem<?> system) {
    this.ref =
        system.systemActorOf(
            Topic.create(AlertNews.class, NAME), "pipewatch-" + NAME + "-topic", Props.empty());
  }

  /** The node's topic, spawned on first call. */
  public static ActorRef<Topic.Command<AlertNews>> get(ActorSystem<?> system) {
    return ID.apply(system).ref;
  }

  private static final class Id extends ExtensionId<AlertTopic> {
    @Override
    public AlertTopic createExtension(ActorSystem<?> system) {
      return new AlertTopic(system);
    }
  }
}
