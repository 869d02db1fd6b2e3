package io.pipewatch.collector.probe;

import static io.pipewatch.collector.probe.HostSampler.gauge;
import static io.pipewatch.collector.probe.ProcParsers.*;

import io.pipewatch.collector.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the cgroup of this process for the {@link HostSampler}: v2 (unified hierarchy) when {@code
 * cgroup.controllers} exists at the mount point, else v1 controllers {@code cpu}, {@code cpuacct}
 * and {@code memory}. The process's path comes from /proc/self/cgroup; when that directory is not
 * visible (a container with its own cgroup namespace shows its cgroup at the mount root) the mount
 * root is used.
 */
final class CgroupReader implements AutoCloseable {

  /** Above this a cgroup limit means "no limit" (v1 writes 2^63 rounded down to a page). */
  private static final long UNLIMITED = 1L << 60;

  private static final byte[][] CPU_STAT_V2_KEYS =
      ByteScanner.names("usage_usec", "nr_periods", "nr_throttled");
  private static final byte[][] CPU_STAT_V1_KEYS = ByteScanner.names("nr_periods", "nr_throttled");
  private final String version;
  private final ProcFile cpuMax; // v2: "quota period"
  private final ProcFile cpuQuota; // v1: cfs_quota_us
  private final ProcFile cpuPeriod; // v1: cfs_period_us
  private final ProcFile cpuUsage; // v2: cpu.stat usage_usec; v1: cpuacct.usage (ns)
  private final ProcFile cpuStat; // throttling: nr_periods, nr_throttled
  private final ProcFile memoryLimit;
  private final ProcFile memoryUsage;
  private final long usageUnitNanos;
  private final PressureReader pressure; // v2 only
  private final long[] pair = new long[2];
  private final long[] cpuStatNow = new long[3];
  private long usageBefore = -1;
  private long periodsBefore = -1;
  private long throttledBefore = -1;

  private CgroupReader(
      String version,
      ProcFile cpuMax,
      ProcFile cpuQuota,
      ProcFile cpuPeriod,
      ProcFile cpuUsage,
      ProcFile cpuStat,
      ProcFile memoryLimit,
      ProcFile memoryUsage,
      long usageUnitNanos,
      PressureReader pressure) {
    this.version = version;
    this.cpuMax = cpuMax;
    this.cpuQuota = cpuQuota;
    this.cpuPeriod = cpuPeriod;
    this.cpuUsage = cpuUsage;
    this.cpuStat = cpuStat;
    this.memoryLimit = memoryLimit;
    this.memoryUsage = memoryUsage;
    this.usageUnitNanos = usageUnitNanos;
    this.pressure = pressure;
  }

  String describe() {
    return version + (memoryUsage == null ? "" : " " + memoryUsage.path().getParent());
  }

  static CgroupReader discover(Path proc, Path mount) {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve("self/cgroup"));
    } catch (IOException | RuntimeException e) {
      lines = List.of();
    }
    if (Files.exists(mount.resolve("cgroup.controllers"))) {
      Path dir = dirOf(mount, pathOf(lines, ""), "memory.current");
      return new CgroupReader(
          "v2",
          file(dir, "cpu.max"),
          null,
          null,
          null,
          file(dir, "cpu.stat"),
          file(dir, "memory.max"),
          file(dir, "memory.current"),
          1000,
          // the root cgroup has no pressure files: /proc/pressure already is the host's
          new PressureReader(dir, ".pressure", "container"));
    }
    if (lines.isEmpty() || !Files.isDirectory(mount)) {
      return new CgroupReader("none", null, null, null, null, null, null, null, 1, null);
    }
    Path cpu = dirOf(v1Mount(mount, "cpu"), pathOf(lines, "cpu"), "cpu.cfs_quota_us");
    Path cpuacct = dirOf(v1Mount(mount, "cpuacct"), pathOf(lines, "cpuacct"), "cpuacct.usage");
    Path memory = dirOf(v1Mount(mount, "memory"), pathOf(lines, "memory"), "memory.usage_in_bytes");
    return new CgroupReader(
        "v1",
        null,
        file(cpu, "cpu.cfs_quota_us"),
        file(cpu, "cpu.cfs_period_us"),
        file(cpuacct, "cpuacct.usage"),
        file(cpu, "cpu.stat"),
        file(memory, "memory.limit_in_bytes"),
        file(memory, "memory.usage_in_bytes"),
        1,
        null);
  }

  private static Path v1Mount(Path mount, String controller) {
    for (String name : new String[] {controller, "cpu,cpuacct", "cpuacct,cpu"}) {
      if (Files.isDirectory(mount.resolve(name))) {
        return mount.resolve(name);
      }
    }
    return mount.resolve(controller);
  }

  /** The path of {@code controller} ("" for v2) in /proc/self/cgroup lines "id:list:path". */
  private static String pathOf(List<String> lines, String controller) {
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      if (controller.isEmpty()
          ? parts[1].isEmpty() && parts[0].equals("0")
          : List.of(parts[1].split(",")).contains(controller)) {
        return parts[2];
      }
    }
    return "/";
  }

  private static Path dirOf(Path mount, String path, String probeFile) {
    Path own = mount.resolve(path.startsWith("/") ? path.substring(1) : path);
    return Files.exists(own.resolve(probeFile)) ? own : mount;
  }

  private static ProcFile file(Path dir, String name) {
    Path path = dir.resolve(name);
    return Files.isReadable(path) ? new ProcFile(path, 512) : null;
  }

  void prime(ByteScanner scan) {
    if (pressure != null) {
      pressure.prime(scan);
    }
    usageBefore = readUsage(scan);
    if (readCpuStat(scan)) {
      periodsBefore = cpuStatNow[1];
      throttledBefore = cpuStatNow[2];
    }
  }

  void sample(ByteScanner scan, List<Sample> out, double seconds) {
    if (pressure != null) {
      pressure.sample(scan, out, seconds);
    }
    double limitCores = cpuLimitCores(scan);
    if (limitCores > 0) {
      gauge(out, "container_cpu_limit_cores", limitCores);
    }
    long usage = readUsage(scan);
    if (usage >= 0 && usageBefore >= 0) {
      gauge(
          out,
          "container_cpu_usage_cores",
          Math.max(0, usage - usageBefore) * (double) usageUnitNanos / 1e9 / seconds);
    }
    usageBefore = usage;
    if (readCpuStat(scan)) {
      long periods = cpuStatNow[1];
      long throttled = cpuStatNow[2];
      if (periodsBefore >= 0 && limitCores > 0) {
        long p = periods - periodsBefore;
        gauge(
            out,
            "container_cpu_throttled_ratio",
            p > 0 ? Math.max(0, throttled - throttledBefore) / (double) p : 0);
      }
      periodsBefore = periods;
      throttledBefore = throttled;
    }
    long limit = readValue(scan, memoryLimit);
    long used = readValue(scan, memoryUsage);
    if (used >= 0) {
      gauge(out, "container_memory_usage_bytes", used);
    }
    if (limit > 0 && limit < UNLIMITED) {
      gauge(out, "container_memory_limit_bytes", limit);
      if (used >= 0) {
        gauge(out, "container_memory_usage_ratio", (double) used / limit);
      }
    }
  }

  private double cpuLimitCores(ByteScanner scan) {
    if (cpuMax != null) {
      if (cpuMax.read() && parseCpuMax(scan.reset(cpuMax), pair) && pair[0] > 0) {
        return (double) pair[0] / pair[1];
      }
      return -1;
    }
    long quota = readValue(scan, cpuQuota);
    long period = readValue(scan, cpuPeriod);
    return quota > 0 && period > 0 ? (double) quota / period : -1;
  }

  private long readUsage(ByteScanner scan) {
    if (cpuUsage != null) {
      return readValue(scan, cpuUsage);
    }
    if (cpuMax != null && cpuStat != null && cpuStat.read()) {
      cpuStatNow[0] = -1;
      parseKeyed(scan.reset(cpuStat), CPU_STAT_V2_KEYS, cpuStatNow);
      return cpuStatNow[0];
    }
    return -1;
  }

  private boolean readCpuStat(ByteScanner scan) {
    if (cpuStat == null || !cpuStat.read()) {
      return false;
    }
    if (cpuMax != null) {
      return parseKeyed(scan.reset(cpuStat), CPU_STAT_V2_KEYS, cpuStatNow) >= 3;
    }
    // v1 cpu.stat has no usage; keep the same slots 1 and 2.
    long[] v1 = pair;
    if (parseKeyed(scan.reset(cpuStat), CPU_STAT_V1_KEYS, v1) < 2) {
      return false;
    }
    cpuStatNow[1] = v1[0];
    cpuStatNow[2] = v1[1];
    return true;
  }

  private static long readValue(ByteScanner scan, ProcFile file) {
    if (file == null || !file.read()) {
      return -1;
    }
    return parseCgroupValue(scan.reset(file));
  }

  @Override
  public void close() {
    if (pressure != null) {
      pressure.close();
    }
    for (ProcFile file :
        new ProcFile[] {cpuMax, cpuQuota, cpuPeriod, cpuUsage, cpuStat, memoryLimit, memoryUsage}) {
      if (file != null) {
        file.close();
      }
    }
  }
}
