package io.pipewatch.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.JournalHealthCheck;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.testkit.Ledger;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The supervised embedded Cassandra against real servers: kill -9 is followed by a restart on the
 * same ports and the journal is usable again with every acknowledged event; a server that cannot
 * start is retried a bounded number of times and reported failing with its log; stop ends every
 * state within 5 s; the data directory is owner-only, locked with its owner's pid, and its log
 * rotates by size.
 */
@ExtendWith(LogCapturingExtension.class)
final class SupervisedCassandraIT {
  private static final Duration STOP_BUDGET = Duration.ofSeconds(5);

  /** Real fsync (durability is what is tested), quick restarts, a short failure window. */
  private static PersistenceSettings settings(Path dir) {
    PersistenceSettings base = TestCassandra.throwawaySettings(dir);
    return base.withEmbedded(
        base.embedded()
            .withSkipSync(false)
            .withRestart(
                new PersistenceSettings.Restart(
                    Duration.ofMillis(300),
                    Duration.ofSeconds(2),
                    3,
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(6))));
  }

  @Test
  void killMinus9IsFollowedByARestartOnTheSamePortsAndAcknowledgedEventsSurvive() throws Exception {
    Path dir = TestCassandra.freshDataDir("supervised-");
    PersistenceSettings settings = settings(dir);
    SupervisedCassandra cassandra = SupervisedCassandra.start(settings.embedded());
    try {
      PersistenceSettings journal = settings.withContactPoints(List.of(cassandra.contactPoint()));
      Config config =
          CassandraJournalConfig.overlay(journal)
              .withFallback(ConfigFactory.load("application-test"));
      ActorTestKit first = ActorTestKit.create("supervised-write", config);
      try {
        ActorRef<Ledger.Command> ledger =
            first.spawn(Ledger.create("kill9", journal.journalBackoff().strategy()));
        TestProbe<Ledger.Entries> acks = first.createTestProbe();
        ledger.tell(new Ledger.Append("before", acks.getRef()));
        assertThat(acks.receiveMessage(Duration.ofSeconds(60)).values()).containsExactly("before");

        // Right after the acknowledgement: SIGKILL, no drain, nothing flushed but the commit log.
        ProcessHandle killed = cassandra.process().orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get(10, TimeUnit.SECONDS);
        long killedAt = System.nanoTime();

        await(
            Duration.ofSeconds(5), () -> !cassandra.status().isUp(), "supervisor notices the exit");
        assertThat(cassandra.status().detail()).contains("exited unexpectedly");
        await(Duration.ofSeconds(60), () -> cassandra.status().isUp(), "server restarted");
        long upAt = System.nanoTime();
        assertThat(cassandra.process().orElseThrow().pid()).isNotEqualTo(killed.pid());
        assertThat(cassandra.contactPoint()).isEqualTo(journal.contactPoints().get(0));
        assertThat(cassandra.status().restarts()).isEqualTo(1);

        JournalHealthCheck health =
            JournalHealthCheck.create(
                first.system(), Duration.ofSeconds(3), Optional.of(cassandra::status));
        await(
            Duration.ofSeconds(30),
            () -> health.check().toCompletableFuture().exceptionally(e -> false).join(),
            "journal answers again");
        long journalUpAt = System.nanoTime();

        // The actor resumes through its backoff: a write after the restart is acknowledged.
        long writeStart = System.nanoTime();
        Ledger.Entries after = null;
        while (after == null && System.nanoTime() - writeStart < TimeUnit.SECONDS.toNanos(30)) {
          ledger.tell(new Ledger.Append("after", acks.getRef()));
          try {
            after = acks.receiveMessage(Duration.ofSeconds(5));
          } catch (AssertionError noAnswerYet) {
            // The ledger was restarting (journal failure); ask again.
          }
        }
        assertThat(after).as("a write acknowledged after the restart").isNotNull();
        System.out.printf(
            "supervised: kill -9 -> CQL again %d ms, journal answers %d ms, write acked %d ms"
                + " after the kill%n",
            TimeUnit.NANOSECONDS.toMillis(upAt - killedAt),
            TimeUnit.NANOSECONDS.toMillis(journalUpAt - killedAt),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      } finally {
        first.shutdownTestKit();
      }

      ActorTestKit fresh = ActorTestKit.create("supervised-read", config);
      try {
        ActorRef<Ledger.Command> recovered =
            fresh.spawn(Ledger.create("kill9", journal.journalBackoff().strategy()));
        TestProbe<Ledger.Entries> read = fresh.createTestProbe();
        recovered.tell(new Ledger.Get(read.getRef()));
        assertThat(read.receiveMessage(Duration.ofSeconds(60)).values())
            .containsExactly("before", "after");
      } finally {
        fresh.shutdownTestKit();
      }

      assertStopsWithinBudget(cassandra, "up");
    } finally {
      cassandra.stop();
      TestCassandra.deleteRecursively(dir);
    }
  }

  @Test
  void aServerThatCannotStartIsRetriedBoundedlyReportedWithItsLogAndComesBack() throws Exception {
    Path dir = TestCassandra.freshDataDir("crashloop-");
    PersistenceSettings settings = settings(dir);
    SupervisedCassandra cassandra = SupervisedCassandra.start(settings.embedded());
    try {
      // Another process takes the storage port: every restart on the same ports fails.
      try (ServerSocket squatter = killAndTakeStoragePort(cassandra)) {
        await(
            Duration.ofSeconds(90),
            () -> cassandra.status().state() == SupervisedCassandra.State.FAILING,
            "reported failing");
        SupervisedCassandra.Status failing = cassandra.status();
        assertThat(failing.failures()).isEqualTo(3);
        assertThat(failing.detail())
            .contains("failed 3 times")
            .contains("could not bind port")
            .contains(Integer.toString(cassandra.storagePort()))
            .contains("  | ");
        System.out.printf("supervised: failing detail: %s%n", failing.detail());

        // Bounded: the next try comes only after slow-retry (6 s), not at the backoff's pace.
        await(
            Duration.ofSeconds(60),
            () -> !cassandra.status().since().equals(failing.since()),
            "the slow retry");
        assertThat(Duration.between(failing.since(), cassandra.status().since()))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(cassandra.status().failures()).isEqualTo(4);
      }
      // Port free again: the slow retry brings it back, on the same ports.
      await(Duration.ofSeconds(90), () -> cassandra.status().isUp(), "back after the crash loop");
    } finally {
      cassandra.stop();
      TestCassandra.deleteRecursively(dir);
    }
  }

  @Test
  void stopEndsEveryStateWithinFiveSeconds() throws Exception {
    Path dir = TestCassandra.freshDataDir("stop-");
    PersistenceSettings settings = settings(dir);

    // Restarting: killed, waiting for its backoff or starting again.
    SupervisedCassandra restarting = SupervisedCassandra.start(settings.embedded());
    ProcessHandle killed = restarting.process().orElseThrow();
    killed.destroyForcibly();
    killed.onExit().get(10, TimeUnit.SECONDS);
    await(Duration.ofSeconds(5), () -> !restarting.status().isUp(), "supervisor notices");
    assertStopsWithinBudget(restarting, "restarting (backoff)");

    // Starting: stopped while the new server is booting.
    SupervisedCassandra starting = SupervisedCassandra.start(settings.embedded());
    ProcessHandle first = starting.process().orElseThrow();
    first.destroyForcibly();
    first.onExit().get(10, TimeUnit.SECONDS);
    await(
        Duration.ofSeconds(10),
        () -> cassandraChildren(starting.dataDirectory()).anyMatch(p -> p.pid() != first.pid()),
        "a new server being started");
    assertStopsWithinBudget(starting, "restarting (booting)");

    // Failing: crash loop, waiting for the slow retry.
    SupervisedCassandra failing = SupervisedCassandra.start(settings.embedded());
    try (ServerSocket squatter = killAndTakeStoragePort(failing)) {
      await(
          Duration.ofSeconds(90),
          () -> failing.status().state() == SupervisedCassandra.State.FAILING,
          "reported failing");
      assertStopsWithinBudget(failing, "failing");
    } finally {
      TestCassandra.deleteRecursively(dir);
    }
  }

  @Test
  void theDataDirectoryIsOwnerOnlyLockedWithItsOwnersPidAndItsLogRotatesBySize() throws Exception {
    Path dir = TestCassandra.freshDataDir("operability-").resolve("data");
    PersistenceSettings base = settings(dir);
    PersistenceSettings.Embedded embedded =
        base.embedded().withSkipSync(true).withLog(new PersistenceSettings.LogRotation(16_384, 3));
    SupervisedCassandra cassandra = SupervisedCassandra.start(embedded);
    try {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");

      long before = System.nanoTime();
      assertThatThrownBy(() -> SupervisedCassandra.start(embedded))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageNotContaining("\n")
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("pid=" + ProcessHandle.current().pid());
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));

      // Cassandra's start-up alone logs well over 16 KB: rotated while running, never more than
      // three files, none much over the limit (logback checks the size before each event).
      Path log = cassandra.logFile();
      assertThat(log.resolveSibling("cassandra.log.1")).exists();
      assertThat(log.resolveSibling("cassandra.log.3")).doesNotExist();
      for (String name : List.of("cassandra.log", "cassandra.log.1", "cassandra.log.2")) {
        Path file = log.resolveSibling(name);
        if (Files.exists(file)) {
          assertThat(Files.size(file)).as(name).isLessThan(64 * 1024);
        }
      }
    } finally {
      cassandra.stop();
      TestCassandra.deleteRecursively(dir.getParent());
    }
  }

  private static void assertStopsWithinBudget(SupervisedCassandra cassandra, String state) {
    long start = System.nanoTime();
    cassandra.stop();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("supervised: stop while %s took %d ms%n", state, took.toMillis());
    assertThat(took).as("stop while " + state).isLessThan(STOP_BUDGET);
    assertThat(cassandra.status().state()).isEqualTo(SupervisedCassandra.State.STOPPED);
    assertThat(cassandraChildren(cassandra.dataDirectory()).toList())
        .as("servers left after stop")
        .isEmpty();
  }

  /** Kills the server and binds its storage port before the supervisor restarts it. */
  private static ServerSocket killAndTakeStoragePort(SupervisedCassandra cassandra)
      throws Exception {
    ProcessHandle process = cassandra.process().orElseThrow();
    process.destroyForcibly();
    process.onExit().get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (true) {
      try {
        return new ServerSocket(cassandra.storagePort(), 1, InetAddress.getByName("127.0.0.1"));
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  /** Cassandra servers this JVM started on {@code cassandra}'s data directory, still alive. */
  private static java.util.stream.Stream<ProcessHandle> cassandraChildren(Path dataDir) {
    String config = "-Dcassandra.config=" + dataDir.resolve(ServerFiles.YAML).toUri();
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(line -> line.contains(config)).orElse(false));
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code within} passes. */
  private static void await(Duration within, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
