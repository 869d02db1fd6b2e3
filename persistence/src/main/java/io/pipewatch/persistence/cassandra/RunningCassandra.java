package io.pipewatch.persistence.cassandra;

import io.pipewatch.persistence.ContactPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cassandra server started by {@link CassandraLauncher}, serving CQL on {@link #contactPoint()}.
 * Its owner stops it with {@link #stop()} (or {@link #close()}); should the owner die without doing
 * so, the server exits by itself (its standard input closes).
 *
 * <pre>{@code
 * RunningCassandra cassandra = CassandraLauncher.start(settings.embedded());
 * CoordinatedShutdown.get(system).addTask(
 *     CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "stop-cassandra",
 *     () -> CompletableFuture.supplyAsync(() -> { cassandra.stop(); return Done.getInstance(); }));
 * }</pre>
 */
public final class RunningCassandra implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningCassandra.class);

  private final Process process;
  private final ContactPoint contactPoint;
  private final int storagePort;
  private final Path dataDir;
  private final Path logFile;
  private final Duration startupTime;
  private final Duration stopTimeout;
  private final CassandraLauncher.DataDirLock lock;
  private boolean stopped;

  RunningCassandra(
      Process process,
      String host,
      int nativePort,
      int storagePort,
      Path dataDir,
      Path logFile,
      Duration startupTime,
      Duration stopTimeout,
      CassandraLauncher.DataDirLock lock) {
    this.process = process;
    this.contactPoint = new ContactPoint(host, nativePort);
    this.storagePort = storagePort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.startupTime = startupTime;
    this.stopTimeout = stopTimeout;
    this.lock = lock;
  }

  /** Where clients connect: {@code 127.0.0.1:<native port>}. */
  public ContactPoint contactPoint() {
    return contactPoint;
  }

  /** The inter-node port (open on loopback only; nobody else needs it). */
  public int storagePort() {
    return storagePort;
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  /** The server's process, e.g. to watch {@code onExit()}. */
  public ProcessHandle processHandle() {
    return process.toHandle();
  }

  /** The exit status once the process has ended. */
  int exitValue() {
    return process.exitValue();
  }

  /** Whether {@link #stop()} was called. */
  synchronized boolean stopRequested() {
    return stopped;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path dataDirectory() {
    return dataDir;
  }

  /** The server's output: {@code cassandra.log} in the data directory. */
  public Path logFile() {
    return logFile;
  }

  /** From launch until the log said CQL is served. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Stops the server: SIGTERM (Cassandra drains: flushes memtables, closes the commit log), up to
   * {@code stop-timeout} to exit, then SIGKILL (acknowledged writes are in the synced commit log
   * and replayed at the next start). Blocks until the process is gone; safe to call more than once
   * and from any thread. Releases the data directory's lock if this server holds it.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    long start = System.nanoTime();
    try {
      process.destroy();
      if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.info(
            "Cassandra (pid {}) did not finish draining within {} ms; killing it (the commit log"
                + " holds every acknowledged write)",
            pid(),
            stopTimeout.toMillis());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // The pipe is gone with the process.
      }
      if (lock != null) {
        lock.release();
      }
    }
    LOG.info(
        "Cassandra (pid {}) stopped in {} ms",
        pid(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "RunningCassandra[pid=" + pid() + ", cql=" + contactPoint + ", data=" + dataDir + "]";
  }
}
