package io.pipewatch.persistence.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.cassandra.SupervisedCassandra;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * Journal write cost per commit log mode, against a real embedded Cassandra with real fsync (not a
 * test: run by hand, figures go to docs/benchmarks.md). For each mode given as argument ({@code
 * group}, {@code batch}, {@code periodic}) it starts a fresh server and measures
 *
 * <ul>
 *   <li>latency: one event-sourced actor persisting events one after another (each persist waits
 *       for the journal's acknowledgement), after a warm-up;
 *   <li>throughput: {@code actors} actors persisting concurrently, events per second overall.
 * </ul>
 *
 * <pre>
 * mvn -q -pl persistence -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
 * java -cp "$(cat persistence/target/bench-cp.txt):persistence/target/classes:persistence/target/test-classes" \
 *     io.pipewatch.persistence.bench.JournalWriteBench periodic group batch
 * </pre>
 */
public final class JournalWriteBench {
  private static final int WARMUP = 300;
  private static final int SEQUENTIAL = 1000;
  private static final int ACTORS = 20;
  private static final int PER_ACTOR = 200;

  private JournalWriteBench() {}

  public static void main(String[] args) throws Exception {
    List<String> modes = args.length == 0 ? List.of("periodic", "group") : List.of(args);
    for (String mode : modes) {
      // mode[:window in ms], e.g. group:2
      String[] parts = mode.split(":");
      PersistenceSettings.CommitLogSync sync =
          PersistenceSettings.CommitLogSync.valueOf(parts[0].toUpperCase(Locale.ROOT));
      Duration window =
          parts.length > 1
              ? Duration.ofMillis(Long.parseLong(parts[1]))
              : sync == PersistenceSettings.CommitLogSync.PERIODIC
                  ? Duration.ofSeconds(10)
                  : Duration.ofMillis(10);
      run(sync, window);
    }
    System.exit(0);
  }

  private static void run(PersistenceSettings.CommitLogSync sync, Duration window)
      throws Exception {
    PersistenceSettings base =
        TestCassandra.throwawaySettings(TestCassandra.freshDataDir("bench-"));
    PersistenceSettings.Embedded embedded =
        base.embedded().withSkipSync(false).withCommitLog(sync, window);
    SupervisedCassandra cassandra = SupervisedCassandra.start(embedded);
    try {
      PersistenceSettings journal =
          base.withEmbedded(embedded).withContactPoints(List.of(cassandra.contactPoint()));
      Config config =
          CassandraJournalConfig.overlay(journal)
              .withFallback(
                  ConfigFactory.parseString(
                      "pekko.actor.serialize-messages = off\npekko.loglevel = WARNING"))
              .withFallback(ConfigFactory.load("application-test"));
      ActorTestKit kit = ActorTestKit.create("bench", config);
      try {
        ActorRef<Command> single = kit.spawn(Counter.create("single"));
        TestProbe<Long> acks = kit.createTestProbe();
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < WARMUP + SEQUENTIAL; i++) {
          long start = System.nanoTime();
          single.tell(new Increment(acks.getRef()));
          acks.receiveMessage(Duration.ofSeconds(30));
          if (i >= WARMUP) {
            latency.recordValue(System.nanoTime() - start);
          }
        }

        List<ActorRef<Command>> actors = new ArrayList<>();
        for (int a = 0; a < ACTORS; a++) {
          ActorRef<Command> actor = kit.spawn(Counter.create("many-" + a));
          actor.tell(new Increment(acks.getRef())); // recovery and first write out of the timing
          acks.receiveMessage(Duration.ofSeconds(30));
          actors.add(actor);
        }
        long start = System.nanoTime();
        for (int i = 0; i < PER_ACTOR; i++) {
          for (ActorRef<Command> actor : actors) {
            actor.tell(new Increment(acks.getRef()));
          }
        }
        for (int i = 0; i < ACTORS * PER_ACTOR; i++) {
          acks.receiveMessage(Duration.ofSeconds(60));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "journal-bench commitlog=%s window=%s: sequential persist p50 %.2f ms, p90 %.2f ms,"
                + " p99 %.2f ms, max %.2f ms (%d events); %d actors x %d events: %.0f events/s%n",
            sync.name().toLowerCase(Locale.ROOT),
            window,
            latency.getValueAtPercentile(50) / 1e6,
            latency.getValueAtPercentile(90) / 1e6,
            latency.getValueAtPercentile(99) / 1e6,
            latency.getMaxValue() / 1e6,
            SEQUENTIAL,
            ACTORS,
            PER_ACTOR,
            ACTORS * PER_ACTOR / seconds);
      } finally {
        kit.shutdownTestKit();
      }
    } finally {
      cassandra.stop();
      TestCassandra.deleteRecursively(cassandra.dataDirectory());
    }
  }

  /** The bench actor's commands. */
  public sealed interface Command extends CborSerializable {}

  /** Persists one event; answers the new count. */
  public record Increment(ActorRef<Long> replyTo) implements Command {}

  /** The one event. */
  public record Incremented(long by) implements CborSerializable {}

  /** A counter persisting one event per increment. */
  static final class Counter
      extends EventSourcedBehaviorWithEnforcedReplies<Command, Incremented, Long> {
    static Behavior<Command> create(String id) {
      return new Counter(PersistenceId.of("BenchCounter", id));
    }

    private Counter(PersistenceId id) {
      super(id);
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandlerWithReply<Command, Incremented, Long> commandHandler() {
      return newCommandHandlerWithReplyBuilder()
          .forAnyState()
          .onCommand(
              Increment.class,
              (state, increment) ->
                  Effect().persist(new Incremented(1)).thenReply(increment.replyTo(), s -> s))
          .build();
    }

    @Override
    public EventHandler<Long, Incremented> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onEvent(Incremented.class, (state, event) -> state + event.by())
          .build();
    }
  }
}
