package io.pipewatch.cassandra.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Main class of a Cassandra server whose life is bound to the process that started it: it runs
 * {@code org.apache.cassandra.service.CassandraDaemon} in this JVM and watches standard input on a
 * daemon thread. The launcher keeps the write end of that pipe open for as long as it lives; when
 * the launcher's process ends in any way (normal exit, crash, {@code SIGKILL}), the kernel closes
 * the pipe, {@code read} returns end-of-file, and this JVM exits.
 *
 * <p>The exit goes through {@link System#exit(int)} so Cassandra's own shutdown hook drains the
 * node (flushes memtables, closes the commit log). Should the hooks hang, a second daemon thread
 * halts the JVM after a grace period (system property {@value #GRACE_PROPERTY}, milliseconds,
 * default {@value #DEFAULT_GRACE_MILLIS}).
 *
 * <pre>{@code
 * java <Cassandra JVM options> -cp <ServerClasspath.classpath()> \
 *     io.pipewatch.cassandra.server.ParentBoundCassandra
 * }</pre>
 *
 * <p>Only the launcher in {@code persistence} starts this class, in a separate JVM; it must never
 * be loaded in a Pipewatch JVM (Cassandra's jars are not on that classpath).
 */
public final class ParentBoundCassandra {
  /** System property: how long the drain may take after the parent died before a halt. */
  public static final String GRACE_PROPERTY = "pipewatch.parent-bound.grace-millis";

  static final long DEFAULT_GRACE_MILLIS = 10_000;

  private ParentBoundCassandra() {}

  public static void main(String[] args) throws Exception {
    long graceMillis = Long.getLong(GRACE_PROPERTY, DEFAULT_GRACE_MILLIS);
    Thread watcher = new Thread(() -> exitAtEndOfInput(System.in, graceMillis), "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
    org.apache.cassandra.service.CassandraDaemon.main(args);
  }

  private static void exitAtEndOfInput(InputStream in, long graceMillis) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Anything the parent writes is ignored; only the end of the stream matters.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end-of-file: the parent is gone.
    }
    Thread halter = new Thread(() -> haltAfter(graceMillis), "parent-watch-halt");
    halter.setDaemon(true);
    halter.start();
    System.err.println("ParentBoundCassandra: parent process gone (stdin closed), shutting down");
    System.exit(0);
  }

  private static void haltAfter(long graceMillis) {
    try {
      TimeUnit.MILLISECONDS.sleep(graceMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.err.println(
        "ParentBoundCassandra: drain took longer than " + graceMillis + " ms, halting");
    Runtime.getRuntime().halt(1);
  }
}
