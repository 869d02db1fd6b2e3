package io.pipewatch.api;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A procfs of the test's own for the server's host probe ({@code
 * pipewatch.collector.probe.proc-root}, with an empty {@code sys-root} so no real cgroup is read):
 * a host named {@code hostname} whose two CPUs are idle or busy as the test says, every other file
 * a quiet copy (memory, disks, network and pressure that do not move). A real fault on a shared
 * build machine competes with whatever else runs there; this one does not, so alert lifecycles can
 * be tested deterministically. The CPU counters advance 100 jiffies a second per CPU, written in
 * place with fixed-width numbers (the probe keeps its files open and reads them again every cycle).
 */
final class FakeProc implements AutoCloseable {
  private static final int CPUS = 2;
  private static final long TICK_MILLIS = 20;

  private final Path root;
  private final Path sysRoot;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean busy;
  private long user;
  private long idle;
  private long lastMillis = System.currentTimeMillis();

  FakeProc(Path dir, String hostname) throws IOException {
    root = Files.createDirectories(dir.resolve("proc"));
    sysRoot = Files.createDirectories(dir.resolve("sys"));
    Files.createDirectories(root.resolve("net"));
    Files.createDirectories(root.resolve("pressure"));
    Files.createDirectories(root.resolve("sys/kernel"));
    Files.createDirectories(root.resolve("self"));
    Files.writeString(root.resolve("sys/kernel/hostname"), hostname + "\n");
    Files.writeString(root.resolve("self/cgroup"), "0::/\n");
    Files.writeString(root.resolve("loadavg"), "0.10 0.10 0.10 1/100 1\n");
    Files.writeString(
        root.resolve("meminfo"),
        "MemTotal:       16000000 kB\nMemFree:        12000000 kB\n"
            + "MemAvailable:   14000000 kB\nBuffers:          100000 kB\n"
            + "Cached:          1500000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n");
    Files.writeString(root.resolve("vmstat"), "pgfault 1000\npgmajfault 0\npswpin 0\npswpout 0\n");
    Files.writeString(
        root.resolve("diskstats"),
        "   8       0 sda 100 0 800 10 100 0 800 10 0 20 20 0 0 0 0 0 0\n");
    Files.writeString(
        root.resolve("net/dev"),
        "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets"
            + " errs drop fifo colls carrier compressed\n"
            + "  eth0:    1000      10    0    0    0     0          0         0     1000      10"
            + "    0    0    0     0       0          0\n");
    Files.writeString(root.resolve("net/sockstat"), "TCP: inuse 5 orphan 0 tw 0 alloc 5 mem 1\n");
    for (String resource : new String[] {"cpu", "memory", "io"}) {
      Files.writeString(
          root.resolve("pressure").resolve(resource),
          "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
              + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }
    writeStat();
    ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The directory to give as {@code pipewatch.collector.probe.proc-root}. */
  Path root() {
    return root;
  }

  /** An empty directory to give as {@code pipewatch.collector.probe.sys-root}. */
  Path sysRoot() {
    return sysRoot;
  }

  /** From now on the CPUs are saturated ({@code true}) or idle; returns the wall-clock time. */
  long busy(boolean saturated) {
    busy = saturated;
    return System.currentTimeMillis();
  }

  private synchronized void tick() {
    long now = System.currentTimeMillis();
    long jiffies = (now - lastMillis) / 10;
    if (jiffies <= 0) {
      return;
    }
    lastMillis += jiffies * 10;
    if (busy) {
      user += jiffies;
    } else {
      user += jiffies / 50; // 2 % busy
      idle += jiffies - jiffies / 50;
    }
    try {
      writeStat();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The whole file, same length every time, written over itself at offset 0. */
  private void writeStat() throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(line("cpu ", user * CPUS, idle * CPUS));
    for (int i = 0; i < CPUS; i++) {
      b.append(line("cpu" + i, user, idle));
    }
    b.append("intr 0\nctxt 0\nbtime 1790000000\nprocesses 1\n")
        .append("procs_running 1\nprocs_blocked 0\n");
    try (RandomAccessFile f = new RandomAccessFile(root.resolve("stat").toFile(), "rw")) {
      f.seek(0);
      f.write(b.toString().getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String line(String name, long user, long idle) {
    return String.format(Locale.ROOT, "%s %020d 0 %020d %020d 0 0 0 0 0 0\n", name, user, 0L, idle);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
