package io.pipewatch.analyzer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The node's "bottlenecks" pub-sub topic ({@link Topic} of {@link AnalysisEvent}): one topic actor
 * per node, spawned on first use as a system actor; topics of the same name on other nodes find
 * each other through the receptionist, so a subscriber anywhere sees every bottleneck and pattern.
 *
 * <pre>{@code
 * ActorRef<Topic.Command<AnalysisEvent>> topic = AnalysisTopic.get(system);
 * topic.tell(Topic.subscribe(myAdapter));
 * }</pre>
 */
public final class AnalysisTopic implements Extension {

  /** The topic's name. */
  public static final String NAME = "bottlenecks";

  private static final Id ID = new Id();

  private final ActorRef<Topic.Command<AnalysisEvent>> ref;

  private AnalysisTopic(ActorSystem<?> system) {
    this.ref =
        system.systemActorOf(
            Topic.create(AnalysisEvent.class, NAME), "pipewatch-" + NAME + "-topic", Props.empty());
  }

  /** The node's topic, spawned on first call. */
  public static ActorRef<Topic.Command<AnalysisEvent>> get(ActorSystem<?> system) {
    return ID.apply(system).ref;
  }

  private static final class Id extends ExtensionId<AnalysisTopic> {
    @Override
    public AnalysisTopic createExtension(ActorSystem<?> system) {
      return new AnalysisTopic(system);
    }
  }
}
