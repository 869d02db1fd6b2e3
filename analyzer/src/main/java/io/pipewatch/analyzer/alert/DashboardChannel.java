package io.pipewatch.analyzer.alert;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** Publishes each notification on the {@link AlertTopic} ("alerts") for dashboards. */
final class DashboardChannel implements AlertChannel {
  private final String name;
  private final ActorRef<Topic.Command<AlertNews>> topic;

  DashboardChannel(String name, ActorRef<Topic.Command<AlertNews>> topic) {
    this.name = name;
    this.topic = topic;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletionStage<Delivery> deliver(Notification n) {
    topic.tell(Topic.publish(n));
    return CompletableFuture.completedFuture(Delivery.delivered("published on " + AlertTopic.NAME));
  }
}
