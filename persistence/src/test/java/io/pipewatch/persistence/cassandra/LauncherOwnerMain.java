package io.pipewatch.persistence.cassandra;

import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.nio.file.Path;

/**
 * A stand-in for a Pipewatch server in the orphan test: starts a Cassandra in the data directory
 * given as argument, prints {@code CASSANDRA_PID=<pid>} and then waits to be killed.
 */
final class LauncherOwnerMain {
  private LauncherOwnerMain() {}

  public static void main(String[] args) throws InterruptedException {
    PersistenceSettings settings = TestCassandra.throwawaySettings(Path.of(args[0]));
    RunningCassandra server = CassandraLauncher.start(settings.embedded());
    System.out.println("CASSANDRA_PID=" + server.pid());
    System.out.flush();
    Thread.currentThread().join();
  }
}
