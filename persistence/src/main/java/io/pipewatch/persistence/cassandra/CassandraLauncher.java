package io.pipewatch.persistence.cassandra;

import io.pipewatch.cassandra.server.CassandraServerJvm;
import io.pipewatch.persistence.PersistenceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a single-node Apache Cassandra 5.0 as a separate JVM for development and tests: no Docker,
 * no installation, just the {@code cassandra-all} jars Maven fetched (module {@code
 * cassandra-server}) and a JDK 11 or 17.
 *
 * <p>What a start does:
 *
 * <ol>
 *   <li>locks the data directory (file {@code launcher.lock}) so two Pipewatch processes never
 *       share one Cassandra data set;
 *   <li>finds a JDK 11 or 17 (see {@link JavaRuntime}), since Cassandra 5.0 runs on no other;
 *   <li>picks two free loopback ports (unless configured) and writes {@code cassandra.yaml} and a
 *       logback file into the data directory;
 *   <li>launches {@code ParentBoundCassandra}, which exits when its standard input closes, i.e.
 *       when this process dies however it dies: no orphan servers. As root it runs under {@code
 *       setpriv --bounding-set=-ipc_lock}, or Cassandra would mlock its whole heap;
 *   <li>sends the server's output to {@code cassandra.log} in the data directory and waits until
 *       the process is alive AND the log says it listens for CQL on <em>its</em> port (a bare TCP
 *       check could be answered by another server); a port taken meanwhile by another process ("in
 *       use") means another try with new ports.
 * </ol>
 *
 * <p>It registers no hook of its own: the owner stops the server ({@link RunningCassandra#stop()})
 * from a CoordinatedShutdown task, a test's afterAll or a JVM shutdown hook.
 *
 * <pre>{@code
 * try (RunningCassandra cassandra = CassandraLauncher.start(settings.embedded())) {
 *   ContactPoint node = cassandra.contactPoint(); // 127.0.0.1:<port>, serving CQL
 * }
 * }</pre>
 */
public final class CassandraLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraLauncher.class);

  private static final String HOST = "127.0.0.1";
  private static final String READY_PREFIX = "Starting listening for CQL clients on /" + HOST + ":";
  private static final int ATTEMPTS = 3;
  private static final long OUT_ROTATE_BYTES = 1024L * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final long POLL_MILLIS = 100;
  private static final Path[] SETPRIV = {Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv")};

  private CassandraLauncher() {}

  /**
   * Starts a Cassandra with these settings and returns once it serves CQL. Nothing restarts it
   * should it die: the server uses {@link SupervisedCassandra}, which does.
   *
   * @throws CassandraStartException if no JDK 11/17 is found, the data directory is in use, the
   *     server dies or is not ready within {@code startTimeout} (with the tail of its log)
   */
  public static RunningCassandra start(PersistenceSettings.Embedded settings) {
    Path dataDir = prepareDataDir(settings);
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      JavaRuntime java = JavaRuntime.find(settings.javaHome());
      RunningCassandra running = startWithRetries(settings, dataDir, java, lock, true);
      logStarted(running, java);
      return running;
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
  }

  static void logStarted(RunningCassandra running, JavaRuntime java) {
    LOG.info(
        "Cassandra {} (pid {}, JDK {}) serves CQL on {} after {} ms; data in {}",
        CassandraServerJvm.CASSANDRA_VERSION,
        running.pid(),
        java.feature(),
        running.contactPoint(),
        running.startupTime().toMillis(),
        running.dataDirectory());
  }

  /**
   * The absolute data directory, created readable by its owner only ({@code rwx------}) if it does
   * not exist: it holds every event and the server's configuration.
   */
  static Path prepareDataDir(PersistenceSettings.Embedded settings) {
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(dataDir)) {
        if (dataDir.getParent() != null) {
          Files.createDirectories(dataDir.getParent());
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          Files.createDirectory(dataDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
          // The umask cannot widen rwx------, but say it explicitly.
          Files.setPosixFilePermissions(dataDir, OWNER_ONLY);
        } else {
          Files.createDirectory(dataDir);
        }
      }
    } catch (IOException e) {
      throw new CassandraStartException(
          "Cannot create the Cassandra data directory "
              + dataDir
              + " (setting 'pipewatch.persistence.embedded.data-dir'): "
              + e,
          e);
    }
    return dataDir;
  }

  /**
   * Launches until a server serves CQL; picks new ports on "in use" when they are ours to pick. The
   * Each launched server's pid is recorded in {@code lock}; the server releases the lock when it
   * stops if {@code serverOwnsLock} (else a supervisor holds it).
   */
  static RunningCassandra startWithRetries(
      PersistenceSettings.Embedded settings,
      Path dataDir,
      JavaRuntime java,
      DataDirLock lock,
      boolean serverOwnsLock) {
    // Retrying only helps when both ports are ours to choose: a configured port stays taken.
    boolean pickPorts = settings.nativePort() == 0 && settings.storagePort() == 0;
    for (int attempt = 1; ; attempt++) {
      int[] ports = ports(settings);
      Attempt result =
          launchOnce(settings, dataDir, java, ports[0], ports[1], lock, serverOwnsLock);
      if (result.running() != null) {
        return result.running();
      }
      if (!result.portInUse() || !pickPorts || attempt == ATTEMPTS) {
        throw new CassandraStartException(result.failure());
      }
      LOG.info("Cassandra port {} or {} was taken meanwhile; retrying", ports[0], ports[1]);
    }
  }

  /**
   * Either a running server or why not (one line, then the log's last lines); {@code portInUse}
   * tells whether a retry on other ports may help.
   */
  record Attempt(RunningCassandra running, String reason, String tail, boolean portInUse) {
    String failure() {
      return reason + tail;
    }
  }

  /**
   * One launch on these ports, waiting until the server serves CQL, dies or times out. An interrupt
   * kills the starting server and throws {@link CassandraStartException}.
   */
  static Attempt launchOnce(
      PersistenceSettings.Embedded settings,
      Path dataDir,
      JavaRuntime java,
      int nativePort,
      int storagePort,
      DataDirLock lock,
      boolean serverOwnsLock) {
    Path log = dataDir.resolve(ServerFiles.LOG);
    Path out = dataDir.resolve(ServerFiles.OUT);
    long startNanos = System.nanoTime();
    Process process;
    LogFollower follower;
    try {
      Path yaml = ServerFiles.writeYaml(dataDir, nativePort, storagePort, settings);
      Path logback = ServerFiles.writeLogback(dataDir, settings.log());
      rotate(out);
      follower = LogFollower.fromEnd(log);
      ProcessBuilder builder =
          new ProcessBuilder(command(settings, dataDir, java, yaml, logback))
              .directory(dataDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      // a clean environment: the server's tokens, SMTP and keystore passwords stay out of it
      Map<String, String> env = builder.environment();
      Map<String, String> kept = childEnvironment(Map.copyOf(env));
      env.clear();
      env.putAll(kept);
      // Standard input stays a pipe held open by this process: its end is the server's signal.
      process = builder.start();
      lock.recordServer(process.pid());
    } catch (IOException e) {
      throw new CassandraStartException(
          "Cannot launch the Cassandra JVM " + java.executable() + ": " + e, e);
    }
    String ready = READY_PREFIX + nativePort;
    long deadline = startNanos + settings.startTimeout().toNanos();
    try {
      while (true) {
        boolean portInUse = false;
        for (String line : follower.newLines()) {
          if (line.contains(ready)) {
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            return new Attempt(
                new RunningCassandra(
                    process,
                    HOST,
                    nativePort,
                    storagePort,
                    dataDir,
                    log,
                    took,
                    settings.stopTimeout(),
                    serverOwnsLock ? lock : null),
                null,
                null,
                false);
          }
          portInUse |= mentionsPortInUse(line);
        }
        if (portInUse || !process.isAlive()) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
          follower.newLines();
          String why =
              portInUse
                  ? "Cassandra could not bind port " + nativePort + " or " + storagePort
                  : "Cassandra exited with status " + process.exitValue() + " before serving CQL";
          return new Attempt(
              null,
              why,
              "; last lines of " + log + ":" + follower.tail() + outTail(out),
              portInUse);
        }
        if (System.nanoTime() - deadline > 0) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
          return new Attempt(
              null,
              "Cassandra did not serve CQL on "
                  + HOST
                  + ":"
                  + nativePort
                  + " within "
                  + settings.startTimeout().toSeconds()
                  + " s (setting 'pipewatch.persistence.embedded.start-timeout')",
              "; last lines of " + log + ":" + follower.tail(),
              false);
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException e) {
      kill(process);
      throw new CassandraStartException("Cannot read the Cassandra log " + log + ": " + e, e);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new CassandraStartException("Interrupted while waiting for Cassandra to start", e);
    }
  }

  /** Kills a starting server and waits (briefly) until it is gone, even when interrupted. */
  private static void kill(Process process) {
    boolean interrupted = Thread.interrupted();
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The JVM's own output, when it has any: why a server died before its logging started. */
  private static String outTail(Path out) {
    String tail = LogFollower.tailOf(out, 10);
    return tail.isEmpty() ? "" : "\n  last lines of " + out + ":" + tail;
  }

  /** Keeps the JVM output file bounded: past 1 MB at a launch it becomes .out.1. */
  private static void rotate(Path log) throws IOException {
    if (Files.exists(log) && Files.size(log) > OUT_ROTATE_BYTES) {
      Files.move(
          log,
          log.resolveSibling(log.getFileName() + ".1"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean mentionsPortInUse(String line) {
    String lower = line.toLowerCase(Locale.ROOT);
    return lower.contains("address already in use")
        || lower.contains("is in use by another process");
  }

  private static List<String> command(
      PersistenceSettings.Embedded settings,
      Path dataDir,
      JavaRuntime java,
      Path yaml,
      Path logback) {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      for (Path setpriv : SETPRIV) {
        if (Files.isExecutable(setpriv)) {
          // As root Cassandra would mlock its whole heap (+1 GB RSS); setpriv keeps the PID.
          command.add(setpriv.toString());
          command.add("--bounding-set=-ipc_lock");
          break;
        }
      }
    }
    command.add(java.executable().toString());
    command.add("-Xms" + settings.heap());
    command.add("-Xmx" + settings.heap());
    command.add("-XX:+UseG1GC");
    command.add("-Xss256k");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-ea");
    command.add("-da:net.openhft...");
    command.addAll(CassandraServerJvm.requiredJvmOptions());
    command.add("-Dcassandra.config=" + yaml.toUri());
    command.add("-Dcassandra-foreground=yes");
    command.add("-Dcassandra.logdir=" + dataDir);
    command.add("-Dlogback.configurationFile=" + logback);
    command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    command.add("-Dcassandra.ring_delay_ms=0");
    // A single node has nobody to announce its shutdown to: don't wait 2 s for it.
    command.add("-Dcassandra.shutdown_announce_in_ms=0");
    command.add("-Dcassandra.test.ignore_sigar=true");
    command.add("-Dcassandra.skip_paxos_state_rebuild=true");
    if (settings.skipSync()) {
      // Throwaway servers only: schema changes stay in memtables. On a kept data directory they
      // must be flushed, or a kill -9 loses the keyspaces and, with them, every acknowledged
      // event (the commit log's mutations of unknown tables are dropped on replay).
      command.add("-Dcassandra.test.flush_local_schema_changes=false");
      command.add("-Dcassandra.unsafesystem=true");
      command.add("-Dcassandra.skip_sync=true");
    }
    command.add("-cp");
    command.add(CassandraServerJvm.classpath());
    command.add(CassandraServerJvm.MAIN_CLASS);
    return command;
  }

  private static int[] ports(PersistenceSettings.Embedded settings) {
    int nativePort = settings.nativePort();
    int storagePort = settings.storagePort();
    if (nativePort == 0) {
      nativePort = freePort(storagePort);
    }
    if (storagePort == 0) {
      storagePort = freePort(nativePort);
    }
    return new int[] {nativePort, storagePort};
  }

  /** A port free on the loopback interface right now, other than {@code not}. */
  private static int freePort(int not) {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        int port = socket.getLocalPort();
        if (port != not) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + HOST, e);
      }
    }
    throw new CassandraStartException("No free port on " + HOST);
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return "0".equals(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: fall through.
    }
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * An exclusive lock on {@code launcher.lock} in a data directory, held while a server runs; the
   * file names the owner ({@code pid=<pid> started=<instant>}) so a second server can say who holds
   * it.
   */
  static final class DataDirLock {
    static final String FILE = "launcher.lock";

    private static final Pattern SERVER = Pattern.compile("cassandra=(\\d+)");

    /** How long a Cassandra left by a Pipewatch that died may take to finish its drain. */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(15);

    static final String PID_FILE = "cassandra.pid";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path dataDir;

    private DataDirLock(FileChannel channel, FileLock lock, Path dataDir) {
      this.channel = channel;
      this.lock = lock;
      this.dataDir = dataDir;
    }

    /**
     * Records the Cassandra now launched on this directory in {@code cassandra.pid}, for the next
     * owner to find; best effort (not through the lock's channel: an interrupt would close it and
     * release the lock).
     */
    void recordServer(long pid) {
      try {
        Files.writeString(dataDir.resolve(PID_FILE), "cassandra=" + pid + "\n");
      } catch (IOException e) {
        LOG.warn(
            "Cannot record the Cassandra pid in {}: {}", dataDir.resolve(PID_FILE), e.toString());
      }
    }

    private void write(String text) throws IOException {
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    }

    /**
     * A Pipewatch killed with SIGKILL leaves its Cassandra draining for a few seconds (it exits
     * when its standard input closes): never start a second server on the same files meanwhile.
     * Waits for the recorded server to exit, then kills it.
     */
    private static void awaitLeftover(Path dataDir, String previous) {
      Matcher matcher = SERVER.matcher(previous);
      if (!matcher.find()) {
        return;
      }
      String config = "-Dcassandra.config=" + dataDir.resolve(ServerFiles.YAML).toUri();
      Optional<ProcessHandle> leftover =
          ProcessHandle.of(Long.parseLong(matcher.group(1)))
              .filter(ProcessHandle::isAlive)
              .filter(p -> p.info().commandLine().map(c -> c.contains(config)).orElse(false));
      if (leftover.isEmpty()) {
        return;
      }
      ProcessHandle server = leftover.get();
      LOG.warn(
          "A Cassandra (pid {}) of a previous Pipewatch still runs on {}; waiting for it to exit",
          server.pid(),
          dataDir);
      try {
        server.onExit().get(LEFTOVER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        server.destroyForcibly();
        try {
          server.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // Reported by the start itself if it is still there.
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        // onExit does not fail.
      }
    }

    static DataDirLock acquire(Path dataDir) {
      Path file = dataDir.resolve(FILE);
      FileChannel channel = null;
      try {
        channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock != null) {
          Path pidFile = dataDir.resolve(PID_FILE);
          String previous = Files.exists(pidFile) ? Files.readString(pidFile) : "";
          DataDirLock acquired = new DataDirLock(channel, lock, dataDir);
          acquired.write(
              "pid=" + ProcessHandle.current().pid() + " started=" + Instant.now() + "\n");
          awaitLeftover(dataDir, previous);
          return acquired;
        }
      } catch (OverlappingFileLockException e) {
        // Held by this very JVM: fall through to the same error.
      } catch (IOException e) {
        closeQuietly(channel);
        throw new CassandraStartException("Cannot lock " + file + ": " + e, e);
      }
      closeQuietly(channel);
      throw new CassandraStartException(
          "The Cassandra data directory "
              + dataDir
              + " is in use by another running Pipewatch ("
              + owner(file)
              + ", lock "
              + file
              + "); stop it or set"
              + " 'pipewatch.persistence.embedded.data-dir' (env PIPEWATCH_CASSANDRA_DATA_DIR)"
              + " to another directory");
    }

    /** What the lock file says about its owner, on one line. */
    private static String owner(Path file) {
      try {
        String text = Files.readString(file).trim();
        return text.isEmpty() ? "owner unknown" : text.replaceAll("\\s+", " ");
      } catch (IOException e) {
        return "owner unknown: " + e.getMessage();
      }
    }

    void release() {
      try {
        lock.release();
      } catch (IOException e) {
        // Closing the channel below releases it anyway.
      }
      closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // Nothing left to do.
        }
      }
    }
  }

  /** Variables the Cassandra child gets from the server's environment; nothing else. */
  static final Set<String> CHILD_VARIABLES =
      Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

  /**
   * The Cassandra child's environment: only {@link #CHILD_VARIABLES} of {@code parent}. The server
   * holds API tokens, SMTP, Cassandra and keystore passwords in its environment ({@code
   * PIPEWATCH_*}); a child that inherited them would show them to anyone who may read its {@code
   * /proc/<pid>/environ} or its crash files.
   */
  static Map<String, String> childEnvironment(Map<String, String> parent) {
    Map<String, String> out = new java.util.TreeMap<>();
    parent.forEach(
        (k, v) -> {
          if (CHILD_VARIABLES.contains(k)) {
            out.put(k, v);
          }
        });
    return out;
  }
}
