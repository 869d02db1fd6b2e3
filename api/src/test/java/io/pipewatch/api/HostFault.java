package io.pipewatch.api;

import io.pipewatch.analyzer.BottleneckKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real fault on the machine the tests run on, made by a child process ({@link FaultChild}): CPU
 * (busy threads on every core), disk writes (threads that write and sync 4 KiB blocks) or memory
 * pressure (page-cache thrashing in a memory-limited cgroup); or, for the watched process itself,
 * file descriptor exhaustion ({@link Fds}, in this JVM). Each is bounded in time and size by the
 * child itself, stopped by {@link #close()} (which also deletes its files and cgroup), and dies
 * with the test JVM (it exits when its stdin closes).
 */
abstract class HostFault implements AutoCloseable {
  private Process child;
  private final List<Path> cleanup = new ArrayList<>();

  /** The kind of bottleneck this fault must open on the host. */
  abstract BottleneckKind kind();

  /** Other kinds the fault may legitimately open too (thrashing pages is also disk I/O). */
  Set<BottleneckKind> companions() {
    return Set.of();
  }

  /** Work done before the fault starts (not timed): files, cgroups. */
  void prepare() throws Exception {}

  /** The child's arguments after the class name. */
  abstract List<String> arguments();

  /** Called once the child runs, before it is told to go (pages: move it into the cgroup). */
  void started(Process process) throws Exception {}

  /** Starts the fault; returns the wall-clock millis at which the child said it is running. */
  long start(double seconds) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx64m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FaultChild.class.getName());
    command.addAll(arguments());
    command.add(Double.toString(seconds));
    child = new ProcessBuilder(command).redirectErrorStream(true).start();
    started(child);
    OutputStream stdin = child.getOutputStream();
    stdin.write('\n');
    stdin.flush();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("GO")) {
        return System.currentTimeMillis();
      }
    }
    throw new IllegalStateException(kind() + " fault child exited with " + child.waitFor());
  }

  /** Deletes {@code path} (a file or an empty directory) on close. */
  final Path deleteOnClose(Path path) {
    cleanup.add(0, path);
    return path;
  }

  @Override
  public void close() throws Exception {
    if (child != null) {
      child.destroy();
      if (!child.waitFor(5, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    for (Path p : cleanup) {
      if (Files.isDirectory(p)) {
        try (var files = Files.list(p)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      Files.deleteIfExists(p);
    }
  }

  /**
   * File descriptor exhaustion of the watched process itself — the node under test runs in this
   * JVM, and the probe sees only its own process's descriptors: opens {@code /dev/null} until
   * {@code share} of the process's limit is in use, holds them, closes them all on {@link
   * #close()}. Skipped where the limit is too high to reach boundedly (over 65536).
   */
  static final class Fds extends HostFault {
    private final double share;
    private final List<java.io.FileInputStream> held = new ArrayList<>();

    Fds(double share) {
      this.share = share;
    }

    @Override
    BottleneckKind kind() {
      return BottleneckKind.CUSTOM;
    }

    @Override
    List<String> arguments() {
      return List.of();
    }

    @Override
    long start(double seconds) throws Exception {
      var os =
          (com.sun.management.UnixOperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long max = os.getMaxFileDescriptorCount();
      org.junit.jupiter.api.Assumptions.assumeTrue(
          max > 0 && max <= 65_536, "file descriptor limit " + max + " is out of bounded reach");
      long target = (long) (max * share);
      long begin = System.currentTimeMillis();
      while (os.getOpenFileDescriptorCount() < target && held.size() < max) {
        for (int i = 0; i < 256; i++) {
          held.add(new java.io.FileInputStream("/dev/null"));
        }
      }
      return begin;
    }

    @Override
    public void close() throws Exception {
      for (java.io.FileInputStream in : held) {
        in.close();
      }
      held.clear();
    }
  }

  /** Busy threads, one per core. */
  static final class Cpu extends HostFault {
    @Override
    BottleneckKind kind() {
      return BottleneckKind.CPU;
    }

    @Override
    List<String> arguments() {
      return List.of("cpu", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
  }

  /** Four threads writing and syncing 4 KiB blocks, each into its own 16 MiB file. */
  static final class Disk extends HostFault {
    private final Path dir;

    Disk(Path dir) {
      this.dir = dir;
    }

    @Override
    BottleneckKind kind() {
      return BottleneckKind.IO;
    }

    @Override
    void prepare() throws IOException {
      deleteOnClose(Files.createDirectories(dir));
    }

    @Override
    List<String> arguments() {
      return List.of("disk", dir.toString(), "4", "16");
    }
  }

  /**
   * Page-cache thrashing: a child in a cgroup limited to {@code limitMiB} reads a file four times
   * that size over and over, so every pass evicts what the next one needs (reclaim, refaults, major
   * faults). The file is written beforehand with direct I/O so none of it is cached (or charged to
   * this JVM's cgroup) when the fault starts.
   */
  static final class Memory extends HostFault {
    private final Path dir;
    private final long limitMiB;
    private MemoryCgroup cgroup;
    private Path file;

    Memory(Path dir, long limitMiB) {
      this.dir = dir;
      this.limitMiB = limitMiB;
    }

    @Override
    BottleneckKind kind() {
      return BottleneckKind.MEMORY;
    }

    @Override
    Set<BottleneckKind> companions() {
      return Set.of(BottleneckKind.IO);
    }

    @Override
    void prepare() throws Exception {
      cgroup = MemoryCgroup.create("pipewatch-fault-" + ProcessHandle.current().pid(), limitMiB);
      deleteOnClose(Files.createDirectories(dir));
      file = deleteOnClose(dir.resolve("pages.bin"));
      writeUncached(file, 4 * limitMiB);
    }

    @Override
    List<String> arguments() {
      return List.of("pages", file.toString());
    }

    @Override
    void started(Process process) throws IOException {
      cgroup.add(process.pid());
    }

    @Override
    public void close() throws Exception {
      try {
        super.close();
      } finally {
        if (cgroup != null) {
          cgroup.close();
        }
      }
    }

    private static void writeUncached(Path file, long mib) throws IOException {
      ByteBuffer aligned = ByteBuffer.allocateDirect((1 << 20) + 4096).alignedSlice(4096);
      aligned.limit(1 << 20);
      aligned = aligned.slice();
      while (aligned.hasRemaining()) {
        aligned.put((byte) 1);
      }
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE,
              com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
        for (long i = 0; i < mib; i++) {
          aligned.clear();
          ch.write(aligned, i << 20);
        }
      }
    }
  }
}
