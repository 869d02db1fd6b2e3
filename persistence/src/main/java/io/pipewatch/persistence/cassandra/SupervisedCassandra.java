package io.pipewatch.persistence.cassandra;

import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.PersistenceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Cassandra under supervision: started like {@link CassandraLauncher#start}, then
 * watched ({@link ProcessHandle#onExit()}); when it exits without being asked it is started again
 * on the same data directory and the same ports, so the driver's contact point stays valid and the
 * journal reconnects by itself.
 *
 * <p>Restart policy ({@code pipewatch.persistence.embedded.restart}): the first restart after
 * {@code min-backoff}, doubling per consecutive failure up to {@code max-backoff}. When {@code
 * max-failures} exits or failed starts fall within {@code failure-window} the server is {@link
 * State#FAILING}: {@link #status()} carries the last reason and the log's last lines, and a start
 * is tried every {@code slow-retry}. One daemon thread does the watching and restarting; {@link
 * #stop()} ends it in every state (running, restarting, waiting for a retry) within {@code
 * stop-timeout} plus a second or two.
 *
 * <pre>{@code
 * SupervisedCassandra cassandra = SupervisedCassandra.start(settings.embedded()); // blocks ~5-8 s
 * cassandra.contactPoint();  // 127.0.0.1:<port>, the same after every restart
 * cassandra.status();        // UP, RESTARTING or FAILING, with why
 * cassandra.stop();
 * }</pre>
 */
public final class SupervisedCassandra implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisedCassandra.class);
  private static final int TAIL_LINES = 15;

  /** Where the supervised server is. */
  public enum State {
    /** Serving CQL. */
    UP,
    /** Exited (or failed to start); another start is scheduled or running. */
    RESTARTING,
    /** Failed {@code max-failures} times within the window; retried every {@code slow-retry}. */
    FAILING,
    /** Stopped by its owner. */
    STOPPED
  }

  /**
   * A snapshot of the supervised server.
   *
   * @param state where it is
   * @param detail one line of why, then (when failing) the log's last lines
   * @param pid the running server's process id, -1 when none runs
   * @param restarts successful restarts since the first start
   * @param failures exits and failed starts within the failure window
   * @param since when the state was entered
   */
  public record Status(
      State state, String detail, long pid, int restarts, int failures, Instant since) {
    public boolean isUp() {
      return state == State.UP;
    }
  }

  private final PersistenceSettings.Embedded settings;
  private final Path dataDir;
  private final JavaRuntime java;
  private final CassandraLauncher.DataDirLock lock;
  private final ContactPoint contactPoint;
  private final int storagePort;
  private final ScheduledExecutorService worker;
  private final Deque<Long> failureTimes = new ArrayDeque<>();

  private RunningCassandra current; // guarded by this
  private boolean stopping; // guarded by this
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile Status status;
  private int consecutiveFailures; // worker thread only
  private volatile int restarts; // written by the worker thread only

  private SupervisedCassandra(
      PersistenceSettings.Embedded settings,
      Path dataDir,
      JavaRuntime java,
      CassandraLauncher.DataDirLock lock,
      RunningCassandra first) {
    this.settings = settings;
    this.dataDir = dataDir;
    this.java = java;
    this.lock = lock;
    this.contactPoint = first.contactPoint();
    this.storagePort = first.storagePort();
    this.current = first;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cassandra-supervisor");
              thread.setDaemon(true);
              return thread;
            });
    this.status =
        new Status(
            State.UP,
            "serving CQL on " + contactPoint + " (pid " + first.pid() + ")",
            first.pid(),
            0,
            0,
            Instant.now());
    watch(first);
  }

  /**
   * Starts the server (blocking until it serves CQL) and supervises it from then on.
   *
   * @throws CassandraStartException if the first start fails (a bad setting, the directory in use,
   *     no JDK 11/17): nothing is supervised then
   */
  public static SupervisedCassandra start(PersistenceSettings.Embedded settings) {
    Path dataDir = CassandraLauncher.prepareDataDir(settings);
    CassandraLauncher.DataDirLock lock = CassandraLauncher.DataDirLock.acquire(dataDir);
    try {
      JavaRuntime java = JavaRuntime.find(settings.javaHome());
      RunningCassandra first =
          CassandraLauncher.startWithRetries(settings, dataDir, java, lock, false);
      CassandraLauncher.logStarted(first, java);
      return new SupervisedCassandra(settings, dataDir, java, lock, first);
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
  }

  /** Where clients connect; the same after every restart. */
  public ContactPoint contactPoint() {
    return contactPoint;
  }

  /** The inter-node port; the same after every restart. */
  public int storagePort() {
    return storagePort;
  }

  public Path dataDirectory() {
    return dataDir;
  }

  /** The server's log, {@code cassandra.log} in the data directory. */
  public Path logFile() {
    return dataDir.resolve(ServerFiles.LOG);
  }

  /** The current state; cheap, for health checks. */
  public Status status() {
    return status;
  }

  /** The process now running, if any (e.g. for a test that kills it). */
  public synchronized Optional<ProcessHandle> process() {
    return current == null ? Optional.empty() : Optional.of(current.processHandle());
  }

  private void watch(RunningCassandra running) {
    running
        .processHandle()
        .onExit()
        .thenRun(
            () -> {
              try {
                worker.execute(() -> exited(running));
              } catch (RejectedExecutionException e) {
                // Stopping: nothing to restart.
              }
            });
  }

  /** On the worker thread: the process of {@code running} has ended. */
  private void exited(RunningCassandra running) {
    synchronized (this) {
      if (stopping || running != current || running.stopRequested()) {
        return;
      }
      current = null;
    }
    String why =
        "Cassandra (pid "
            + running.pid()
            + ") exited unexpectedly with status "
            + exitValue(running);
    LOG.warn("{}; restarting it on {}", why, contactPoint);
    failed(why, LogFollower.tailOf(logFile(), TAIL_LINES));
  }

  private static String exitValue(RunningCassandra running) {
    try {
      return Integer.toString(running.exitValue());
    } catch (IllegalThreadStateException e) {
      return "unknown";
    }
  }

  /** On the worker thread: count a failure, choose the next delay, schedule a start. */
  private void failed(String why, String tail) {
    PersistenceSettings.Restart policy = settings.restart();
    long now = System.nanoTime();
    failureTimes.addLast(now);
    while (!failureTimes.isEmpty()
        && now - failureTimes.peekFirst() > policy.failureWindow().toNanos()) {
      failureTimes.removeFirst();
    }
    consecutiveFailures++;
    int failures = failureTimes.size();
    Duration delay;
    State state;
    String detail;
    if (failures >= policy.maxFailures()) {
      state = State.FAILING;
      delay = policy.slowRetry();
      detail =
          "embedded Cassandra failed "
              + failures
              + " times within "
              + policy.failureWindow().toSeconds()
              + " s; trying again every "
              + policy.slowRetry().toSeconds()
              + " s; last failure: "
              + why
              + tail;
      LOG.error("{}", detail);
    } else {
      state = State.RESTARTING;
      delay = backoff(policy, consecutiveFailures);
      detail =
          "embedded Cassandra restarting (attempt "
              + consecutiveFailures
              + " in "
              + delay.toMillis()
              + " ms): "
              + why;
      LOG.warn("{}", detail);
    }
    status = new Status(state, detail, -1, restarts, failures, Instant.now());
    try {
      worker.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Stopping meanwhile.
    }
  }

  /** {@code min * 2^(n-1)}, at most {@code max}. */
  static Duration backoff(PersistenceSettings.Restart policy, int consecutiveFailures) {
    long min = policy.minBackoff().toMillis();
    long max = policy.maxBackoff().toMillis();
    int shift = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
    return Duration.ofMillis(Math.min(max, min << shift < 0 ? max : min << shift));
  }

  /** On the worker thread: one start on the same ports. */
  private void restart() {
    synchronized (this) {
      if (stopping) {
        return;
      }
    }
    CassandraLauncher.Attempt attempt;
    try {
      attempt =
          CassandraLauncher.launchOnce(
              settings, dataDir, java, contactPoint.port(), storagePort, lock, false);
    } catch (CassandraStartException e) {
      if (!isStopping()) {
        failed(e.getMessage(), "");
      }
      return;
    }
    if (attempt.running() == null) {
      if (!isStopping()) {
        failed(attempt.reason(), attempt.tail());
      }
      return;
    }
    RunningCassandra running = attempt.running();
    synchronized (this) {
      if (stopping) {
        running.stop();
        return;
      }
      current = running;
    }
    restarts++;
    consecutiveFailures = 0;
    CassandraLauncher.logStarted(running, java);
    status =
        new Status(
            State.UP,
            "serving CQL on "
                + contactPoint
                + " (pid "
                + running.pid()
                + ", restarted "
                + restarts
                + (restarts == 1 ? " time" : " times")
                + ")",
            running.pid(),
            restarts,
            failureTimes.size(),
            Instant.now());
    watch(running);
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  /**
   * Stops supervising and stops the server, whatever state it is in: a running server drains for up
   * to {@code stop-timeout} and is then killed; a server being started is killed; a scheduled
   * restart is cancelled. Releases the data directory. Safe to call more than once.
   */
  public void stop() {
    RunningCassandra running;
    boolean first;
    synchronized (this) {
      first = !stopping;
      stopping = true;
      running = current;
      current = null;
    }
    if (!first) {
      // Another thread is stopping it: return only once that is done (a JVM shutdown hook that
      // returned early would let the JVM halt in the middle of the other thread's stop).
      stopped.join();
      return;
    }
    try {
      stopNow(running);
    } finally {
      stopped.complete(null);
    }
  }

  private void stopNow(RunningCassandra running) {
    long start = System.nanoTime();
    // Interrupts a start in progress: the launcher kills the half-started server.
    worker.shutdownNow();
    if (running != null) {
      running.stop();
    }
    try {
      if (!worker.awaitTermination(
          settings.stopTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
        LOG.warn("The Cassandra supervisor did not end in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.release();
    status = new Status(State.STOPPED, "stopped", -1, restarts, 0, Instant.now());
    LOG.info(
        "Embedded Cassandra stopped in {} ms",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "SupervisedCassandra[cql=" + contactPoint + ", data=" + dataDir + ", " + status + "]";
  }
}
