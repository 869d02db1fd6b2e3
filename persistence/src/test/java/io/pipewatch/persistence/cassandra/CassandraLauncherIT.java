package io.pipewatch.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.pipewatch.cassandra.server.CassandraServerJvm;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starts real Cassandra servers of their own (not the shared {@link TestCassandra}). */
final class CassandraLauncherIT {

  @Test
  void startsAServerThatServesCqlAndStopLeavesNoProcess() throws Exception {
    Path dir = TestCassandra.freshDataDir("launcher-");
    PersistenceSettings settings = TestCassandra.throwawaySettings(dir);
    RunningCassandra server = CassandraLauncher.start(settings.embedded());
    ProcessHandle handle = server.processHandle();
    try {
      System.out.printf(
          "launcher: CQL ready after %d ms; idle RSS %s kB%n",
          server.startupTime().toMillis(), rssKb(server.pid()));
      assertThat(handle.isAlive()).isTrue();
      assertThat(Files.readString(server.logFile()))
          .contains("Starting listening for CQL clients on /" + server.contactPoint());

      try (CqlSession session =
          CqlSession.builder()
              .addContactPoint(
                  new InetSocketAddress(server.contactPoint().host(), server.contactPoint().port()))
              .withLocalDatacenter("datacenter1")
              .build()) {
        Row row = session.execute("SELECT release_version FROM system.local").one();
        assertThat(row.getString("release_version"))
            .isEqualTo(CassandraServerJvm.CASSANDRA_VERSION);
      }

      assertThatThrownBy(() -> CassandraLauncher.start(settings.embedded()))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("is in use by another running Pipewatch");

      List<ProcessHandle> descendants = handle.descendants().toList();
      long stopStart = System.nanoTime();
      server.stop();
      System.out.printf(
          "launcher: stop (SIGTERM, drain) took %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart));

      assertThat(handle.isAlive()).isFalse();
      assertThat(descendants).noneMatch(ProcessHandle::isAlive);
    } finally {
      server.stop();
      TestCassandra.deleteRecursively(dir);
    }
  }

  @Test
  void killingTheOwnerWithSigkillLeavesNoOrphanServer() throws Exception {
    Path dir = TestCassandra.freshDataDir("orphan-");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process owner =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LauncherOwnerMain.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    long cassandraPid = -1;
    try {
      cassandraPid = readCassandraPid(owner).get(180, TimeUnit.SECONDS);
      ProcessHandle cassandra = ProcessHandle.of(cassandraPid).orElseThrow();
      assertThat(cassandra.isAlive()).isTrue();
      assertThat(cassandra.parent().map(ProcessHandle::pid)).contains(owner.pid());

      owner.destroyForcibly(); // SIGKILL: no hook of the owner runs
      assertThat(owner.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long killed = System.nanoTime();

      // Grace of the drain (10 s) plus slack; a TimeoutException here means an orphan.
      ProcessHandle exited = cassandra.onExit().get(40, TimeUnit.SECONDS);
      System.out.printf(
          "launcher: orphan exited %d ms after its owner was killed%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      assertThat(exited.isAlive()).isFalse();
    } finally {
      owner.destroyForcibly();
      if (cassandraPid > 0) {
        ProcessHandle.of(cassandraPid).ifPresent(ProcessHandle::destroyForcibly);
      }
      TestCassandra.deleteRecursively(dir);
    }
  }

  @Test
  void aConfiguredPortTakenByAnotherProcessFailsWithTheLogTail() throws Exception {
    Path dir = TestCassandra.freshDataDir("clash-");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      PersistenceSettings.Embedded base = TestCassandra.throwawaySettings(dir).embedded();
      PersistenceSettings.Embedded clashing =
          new PersistenceSettings.Embedded(
              base.dataDir(),
              base.javaHome(),
              base.heap(),
              0,
              taken.getLocalPort(),
              base.startTimeout(),
              true);

      assertThatThrownBy(() -> CassandraLauncher.start(clashing))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("could not bind port")
          .hasMessageContaining(Integer.toString(taken.getLocalPort()))
          .hasMessageContaining("  | ");
    } finally {
      TestCassandra.deleteRecursively(dir);
    }
  }

  private static CompletableFuture<Long> readCassandraPid(Process owner) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (BufferedReader out =
              new BufferedReader(
                  new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) {
              if (line.startsWith("CASSANDRA_PID=")) {
                return Long.parseLong(line.substring("CASSANDRA_PID=".length()).trim());
              }
              seen.append(line).append('\n');
            }
            throw new IllegalStateException("owner exited without starting Cassandra:\n" + seen);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** The resident set size of a process in kB, as ps reports it (for the measurements). */
  static String rssKb(long pid) {
    try {
      Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid)).start();
      String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      ps.waitFor(5, TimeUnit.SECONDS);
      return out;
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }
}
