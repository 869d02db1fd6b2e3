package io.pipewatch.collector;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * Keeps the recent history of one metric source (sharded by source id) and answers queries about
 * it. (Skeleton from the foundation; the collector issue fills in history and queries.)
 */
public final class Collector extends AbstractBehavior<Collector.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Collector");

  /** Everything a Collector understands. */
  public sealed interface Command extends CborSerializable {}

  /** One flush of one source: every sample taken at {@code timestampMillis}. */
  public record Ingest(String sourceId, long timestampMillis, List<Sample> samples)
      implements Command {
    public Ingest {
      samples = List.copyOf(samples);
    }
  }

  /** Asks how many batches this collector has taken in; answers {@link IngestCount}. */
  public record GetIngestCount(ActorRef<IngestCount> replyTo) implements Command {}

  public record IngestCount(String sourceId, long batches) implements CborSerializable {}

  private final String sourceId;
  private long batches;

  /** Starts the sharding region for collectors and returns it. */
  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system) {
    return ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String sourceId) {
    return Behaviors.setup(ctx -> new Collector(ctx, sourceId));
  }

  private Collector(ActorContext<Command> context, String sourceId) {
    super(context);
    this.sourceId = sourceId;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ingest.class, this::onIngest)
        .onMessage(GetIngestCount.class, this::onGetIngestCount)
        .build();
  }

  private Behavior<Command> onIngest(Ingest ingest) {
    batches++;
    return this;
  }

  private Behavior<Command> onGetIngestCount(GetIngestCount query) {
    query.replyTo().tell(new IngestCount(sourceId, batches));
    return this;
  }
}
