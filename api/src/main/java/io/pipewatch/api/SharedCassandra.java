package io.pipewatch.api;

import io.pipewatch.persistence.CassandraPersistence;
import io.pipewatch.persistence.PersistenceSettings;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs only the embedded Cassandra, for several local nodes to share ({@code Main cassandra}):
 * nodes of one cluster refuse an embedded Cassandra of their own. Its data lives under {@code
 * pipewatch.persistence.embedded.data-dir}; it serves CQL on {@code embedded.native-port} (choose
 * one: 0 would pick a free port and print it) until SIGTERM or Ctrl-C.
 *
 * <pre>
 * mvn -pl api -am compile exec:java -Dexec.args=cassandra \
 *   -Dpipewatch.persistence.embedded.native-port=19042 \
 *   -Dpipewatch.persistence.embedded.data-dir=./data/cassandra-shared
 * </pre>
 */
final class SharedCassandra {
  private SharedCassandra() {}

  /** Starts the server, prints its contact point, and returns when the JVM is asked to stop. */
  static void run(PersistenceSettings settings) throws InterruptedException {
    CassandraPersistence storage = CassandraPersistence.open(settings.withContactPoints(List.of()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  storage.close();
                  stopped.countDown();
                },
                "pipewatch-stop-shared-cassandra"));
    System.out.println(
        "pipewatch: Cassandra serves CQL at "
            + storage.contactPoints().get(0)
            + " — start the nodes with PIPEWATCH_CASSANDRA_CONTACT_POINTS="
            + storage.contactPoints().get(0));
    stopped.await();
  }
}
