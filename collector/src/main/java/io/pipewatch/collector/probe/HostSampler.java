package io.pipewatch.collector.probe;

import static io.pipewatch.collector.probe.ProcParsers.*;

import io.pipewatch.collector.Sample;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Takes one sample of the host per call to {@link #sample()}: the work of the {@link HostProbe},
 * kept apart from the actor so that benchmarks can time it.
 *
 * <p>Hot counters come straight from the kernel's text files, kept open and re-read into reused
 * buffers by {@link ProcFile} and parsed without allocation by {@link ProcParsers}: /proc/stat,
 * /proc/loadavg, /proc/meminfo, /proc/vmstat, /proc/diskstats, /proc/net/dev, /proc/net/sockstat(6)
 * and the cgroup (v2, else v1) files of this process. The JVM figures come from the platform
 * MXBeans. Counters become per-second rates (or 0–1 ratios of elapsed time) from the difference to
 * the previous call divided by the time between the two calls; a counter that went backwards
 * (reset, device replaced) counts as 0 for that interval. The constructor takes a first reading so
 * the first {@link #sample()} already has rates. A file that does not exist (another OS, no cgroup,
 * no swap) leaves its series out; nothing fails.
 *
 * <p>Which disks and interfaces are summed is decided once, at creation (see {@link
 * ProbeSettings#diskExclude()}).
 *
 * <p>Units: {@code _ratio} series are 0–1 (share of all CPUs, of elapsed time, of a limit), {@code
 * _per_second} are rates, {@code _bytes} are bytes, {@code _cores} are CPU-seconds per second.
 *
 * <pre>{@code
 * HostSampler sampler = HostSampler.create(ProbeSettings.create(config));
 * List<Sample> samples = sampler.sample(); // every interval
 * }</pre>
 *
 * <p>Not thread-safe: one owner (the probe actor) calls it.
 */
public final class HostSampler implements AutoCloseable {

  /** Above this a cgroup limit means "no limit" (v1 writes 2^63 rounded down to a page). */
  private static final long UNLIMITED = 1L << 60;

  private static final double SECTOR_BYTES = 512; // diskstats counts 512-byte sectors always

  private static final byte[][] MEMINFO_KEYS =
      ByteScanner.names("MemTotal", "MemAvailable", "SwapTotal", "SwapFree");
  private static final byte[][] VMSTAT_KEYS = ByteScanner.names("pgfault", "pgmajfault");
  private static final byte[][] CPU_STAT_V2_KEYS =
      ByteScanner.names("usage_usec", "nr_periods", "nr_throttled");
  private static final byte[][] CPU_STAT_V1_KEYS = ByteScanner.names("nr_periods", "nr_throttled");
  private static final byte[] TCP = ProcParsers.bytes("TCP:");
  private static final byte[] TCP6 = ProcParsers.bytes("TCP6:");

  private final String sourceId;
  private final ByteScanner scan = new ByteScanner();

  private final ProcFile stat;
  private final ProcFile loadavg;
  private final ProcFile meminfo;
  private final ProcFile vmstat;
  private final ProcFile diskstats;
  private final ProcFile netDev;
  private final ProcFile sockstat;
  private final ProcFile sockstat6;
  private final Cgroup cgroup;

  private final byte[][] disks;
  private final byte[][] interfaces;

  private final MemoryMXBean memoryBean = ManagementFactory.getMemoryMXBean();
  private final GarbageCollectorMXBean[] gcBeans =
      ManagementFactory.getGarbageCollectorMXBeans().toArray(new GarbageCollectorMXBean[0]);
  private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
  private final com.sun.management.UnixOperatingSystemMXBean unixBean;
  private final com.sun.management.OperatingSystemMXBean osBean;

  // Counter readings: current and previous, swapped every cycle.
  private long[] statNow = new long[STAT_FIELDS];
  private long[] statBefore = new long[STAT_FIELDS];
  private boolean statValid;
  private final double[] load = new double[3];
  private final long[] mem = new long[MEMINFO_KEYS.length];
  private long[] vmNow = new long[VMSTAT_KEYS.length];
  private long[] vmBefore = new long[VMSTAT_KEYS.length];
  private boolean vmValid;
  private long[] diskNow;
  private long[] diskBefore;
  private boolean diskValid;
  private long[] netNow = new long[NET_FIELDS];
  private long[] netBefore = new long[NET_FIELDS];
  private boolean netValid;
  private long gcTimeBefore;
  private long gcCountBefore;
  private long processCpuBefore;
  private long nanosBefore;

  private final java.util.function.LongSupplier nanoClock;

  private HostSampler(ProbeSettings settings, java.util.function.LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    Path proc = settings.procRoot();
    this.stat = new ProcFile(proc.resolve("stat"), 16 * 1024);
    this.loadavg = new ProcFile(proc.resolve("loadavg"), 256);
    this.meminfo = new ProcFile(proc.resolve("meminfo"), 4096);
    this.vmstat = new ProcFile(proc.resolve("vmstat"), 8192);
    this.diskstats = new ProcFile(proc.resolve("diskstats"), 4096);
    this.netDev = new ProcFile(proc.resolve("net/dev"), 4096);
    this.sockstat = new ProcFile(proc.resolve("net/sockstat"), 1024);
    this.sockstat6 = new ProcFile(proc.resolve("net/sockstat6"), 1024);
    this.cgroup = Cgroup.discover(proc, settings.sysRoot().resolve("fs/cgroup"));
    this.disks = discoverDisks(settings.diskExclude());
    this.interfaces = discoverInterfaces(settings.networkExclude());
    this.diskNow = new long[disks.length * DISK_FIELDS];
    this.diskBefore = new long[disks.length * DISK_FIELDS];
    var os = ManagementFactory.getOperatingSystemMXBean();
    this.unixBean = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null;
    this.osBean = os instanceof com.sun.management.OperatingSystemMXBean o ? o : null;
    this.sourceId = settings.sourceId().isEmpty() ? "host/" + hostname(proc) : settings.sourceId();
    prime();
  }

  /** Discovers devices and cgroup files and takes the first reading. */
  public static HostSampler create(ProbeSettings settings) {
    return new HostSampler(settings, System::nanoTime);
  }

  /** As {@link #create(ProbeSettings)}, timing intervals with {@code nanoClock} (tests). */
  static HostSampler create(ProbeSettings settings, java.util.function.LongSupplier nanoClock) {
    return new HostSampler(settings, nanoClock);
  }

  /** The source id of this host's batches ({@code host/<hostname>} unless configured). */
  public String sourceId() {
    return sourceId;
  }

  /** The block devices and network interfaces whose counters are summed. */
  public String describe() {
    StringBuilder out = new StringBuilder("disks=[");
    for (byte[] d : disks) {
      out.append(' ').append(new String(d, StandardCharsets.US_ASCII));
    }
    out.append(" ] interfaces=[");
    for (byte[] i : interfaces) {
      out.append(' ').append(new String(i, StandardCharsets.US_ASCII));
    }
    return out.append(" ] cgroup=").append(cgroup.describe()).toString();
  }

  private void prime() {
    nanosBefore = nanoClock.getAsLong();
    statValid = stat.read() && parseStat(scan.reset(stat), statBefore);
    vmValid = vmstat.read() && parseKeyed(scan.reset(vmstat), VMSTAT_KEYS, vmBefore) > 0;
    diskValid =
        disks.length > 0
            && diskstats.read()
            && parseDiskstats(scan.reset(diskstats), disks, diskBefore) > 0;
    netValid = netDev.read() && parseNetDev(scan.reset(netDev), interfaces, netBefore) > 0;
    gcTimeBefore = gcTime();
    gcCountBefore = gcCount();
    processCpuBefore = osBean == null ? -1 : osBean.getProcessCpuTime();
    cgroup.prime(scan);
  }

  /** One sample of every available series, with rates over the time since the last call. */
  public List<Sample> sample() {
    List<Sample> out = new ArrayList<>(64);
    long nanos = nanoClock.getAsLong();
    double seconds = Math.max(nanos - nanosBefore, 1) / 1e9;
    nanosBefore = nanos;
    sampleCpu(out, seconds);
    sampleMemory(out, seconds);
    sampleDisks(out, seconds);
    sampleNetwork(out, seconds);
    sampleJvm(out, seconds);
    cgroup.sample(scan, out, seconds);
    return out;
  }

  private void sampleCpu(List<Sample> out, double seconds) {
    if (stat.read() && parseStat(scan.reset(stat), statNow)) {
      if (statValid) {
        long[] now = statNow;
        long[] was = statBefore;
        double user = delta(now, was, USER) + delta(now, was, NICE);
        double system = delta(now, was, SYSTEM) + delta(now, was, IRQ) + delta(now, was, SOFTIRQ);
        double idle = delta(now, was, IDLE);
        double iowait = delta(now, was, IOWAIT);
        double steal = delta(now, was, STEAL);
        double total = user + system + idle + iowait + steal;
        if (total > 0) {
          gauge(out, "host_cpu_utilization_ratio", (user + system + steal) / total);
          gauge(out, "host_cpu_user_ratio", user / total);
          gauge(out, "host_cpu_system_ratio", system / total);
          gauge(out, "host_cpu_iowait_ratio", iowait / total);
          gauge(out, "host_cpu_steal_ratio", steal / total);
        }
        gauge(out, "host_context_switches_per_second", delta(now, was, CTXT) / seconds);
        gauge(out, "host_interrupts_per_second", delta(now, was, INTR) / seconds);
      }
      gauge(out, "host_processes_running", statNow[PROCS_RUNNING]);
      gauge(out, "host_processes_blocked", statNow[PROCS_BLOCKED]);
      long[] swap = statBefore;
      statBefore = statNow;
      statNow = swap;
      statValid = true;
    }
    if (loadavg.read() && parseLoadavg(scan.reset(loadavg), load)) {
      gauge(out, "host_load1", load[0]);
      gauge(out, "host_load5", load[1]);
      gauge(out, "host_load15", load[2]);
    }
  }

  private void sampleMemory(List<Sample> out, double seconds) {
    if (meminfo.read()) {
      java.util.Arrays.fill(mem, -1);
      parseKeyed(scan.reset(meminfo), MEMINFO_KEYS, mem);
      long total = mem[0] * 1024;
      long available = mem[1] * 1024;
      if (mem[0] > 0 && mem[1] >= 0) {
        gauge(out, "host_memory_total_bytes", total);
        gauge(out, "host_memory_available_bytes", available);
        gauge(out, "host_memory_used_bytes", total - available);
        gauge(out, "host_memory_used_ratio", (double) (total - available) / total);
      }
      if (mem[2] >= 0 && mem[3] >= 0) {
        gauge(out, "host_swap_used_bytes", (mem[2] - mem[3]) * 1024);
      }
    }
    if (vmstat.read() && parseKeyed(scan.reset(vmstat), VMSTAT_KEYS, vmNow) > 0) {
      if (vmValid) {
        gauge(out, "host_page_faults_per_second", delta(vmNow, vmBefore, 0) / seconds);
        gauge(out, "host_major_page_faults_per_second", delta(vmNow, vmBefore, 1) / seconds);
      }
      long[] swap = vmBefore;
      vmBefore = vmNow;
      vmNow = swap;
      vmValid = true;
    }
  }

  private void sampleDisks(List<Sample> out, double seconds) {
    if (disks.length == 0
        || !diskstats.read()
        || parseDiskstats(scan.reset(diskstats), disks, diskNow) == 0) {
      return;
    }
    if (diskValid) {
      double reads = 0;
      double writes = 0;
      double readSectors = 0;
      double writtenSectors = 0;
      double busiest = 0;
      double queue = 0;
      long inProgress = 0;
      for (int d = 0; d < disks.length; d++) {
        int base = d * DISK_FIELDS;
        reads += delta(diskNow, diskBefore, base + READS);
        writes += delta(diskNow, diskBefore, base + WRITES);
        readSectors += delta(diskNow, diskBefore, base + SECTORS_READ);
        writtenSectors += delta(diskNow, diskBefore, base + SECTORS_WRITTEN);
        busiest = Math.max(busiest, delta(diskNow, diskBefore, base + IO_MILLIS));
        queue += delta(diskNow, diskBefore, base + WEIGHTED_IO_MILLIS);
        inProgress += diskNow[base + IN_PROGRESS];
      }
      double millis = seconds * 1000;
      gauge(out, "host_disk_read_ops_per_second", reads / seconds);
      gauge(out, "host_disk_write_ops_per_second", writes / seconds);
      gauge(out, "host_disk_read_bytes_per_second", readSectors * SECTOR_BYTES / seconds);
      gauge(out, "host_disk_write_bytes_per_second", writtenSectors * SECTOR_BYTES / seconds);
      // Share of the interval the busiest disk had I/O in flight (iostat's %util).
      gauge(out, "host_disk_busy_ratio", Math.min(1, busiest / millis));
      // Average number of requests queued or in service (iostat's aqu-sz), summed over disks.
      gauge(out, "host_disk_queue_length", queue / millis);
      gauge(out, "host_disk_io_in_progress", inProgress);
    }
    long[] swap = diskBefore;
    diskBefore = diskNow;
    diskNow = swap;
    diskValid = true;
  }

  private void sampleNetwork(List<Sample> out, double seconds) {
    if (netDev.read() && parseNetDev(scan.reset(netDev), interfaces, netNow) > 0) {
      if (netValid) {
        gauge(
            out,
            "host_network_receive_bytes_per_second",
            delta(netNow, netBefore, RX_BYTES) / seconds);
        gauge(
            out,
            "host_network_transmit_bytes_per_second",
            delta(netNow, netBefore, TX_BYTES) / seconds);
        gauge(
            out,
            "host_network_receive_packets_per_second",
            delta(netNow, netBefore, RX_PACKETS) / seconds);
        gauge(
            out,
            "host_network_transmit_packets_per_second",
            delta(netNow, netBefore, TX_PACKETS) / seconds);
        gauge(
            out,
            "host_network_errors_per_second",
            (delta(netNow, netBefore, RX_ERRORS) + delta(netNow, netBefore, TX_ERRORS)) / seconds);
        gauge(
            out,
            "host_network_drops_per_second",
            (delta(netNow, netBefore, RX_DROPS) + delta(netNow, netBefore, TX_DROPS)) / seconds);
      }
      long[] swap = netBefore;
      netBefore = netNow;
      netNow = swap;
      netValid = true;
    }
    long tcp = sockstat.read() ? parseSockstatInUse(scan.reset(sockstat), TCP) : -1;
    long tcp6 = sockstat6.read() ? parseSockstatInUse(scan.reset(sockstat6), TCP6) : -1;
    if (tcp >= 0) {
      gauge(out, "host_tcp_connections", tcp + Math.max(tcp6, 0));
    }
  }

  private void sampleJvm(List<Sample> out, double seconds) {
    MemoryUsage heap = memoryBean.getHeapMemoryUsage();
    gauge(out, "jvm_heap_used_bytes", heap.getUsed());
    gauge(out, "jvm_heap_committed_bytes", heap.getCommitted());
    if (heap.getMax() > 0) {
      gauge(out, "jvm_heap_max_bytes", heap.getMax());
    }
    long gcTime = gcTime();
    long gcCount = gcCount();
    gauge(
        out,
        "jvm_gc_time_ratio",
        Math.min(1, Math.max(0, gcTime - gcTimeBefore) / 1000.0 / seconds));
    gauge(out, "jvm_gc_collections_per_second", Math.max(0, gcCount - gcCountBefore) / seconds);
    gcTimeBefore = gcTime;
    gcCountBefore = gcCount;
    gauge(out, "jvm_threads", threadBean.getThreadCount());
    if (unixBean != null) {
      gauge(out, "jvm_open_file_descriptors", unixBean.getOpenFileDescriptorCount());
    }
    if (osBean != null) {
      long cpu = osBean.getProcessCpuTime();
      if (cpu >= 0 && processCpuBefore >= 0) {
        gauge(out, "process_cpu_usage_cores", Math.max(0, cpu - processCpuBefore) / 1e9 / seconds);
      }
      processCpuBefore = cpu;
    }
  }

  private long gcTime() {
    long total = 0;
    for (GarbageCollectorMXBean gc : gcBeans) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private long gcCount() {
    long total = 0;
    for (GarbageCollectorMXBean gc : gcBeans) {
      total += Math.max(0, gc.getCollectionCount());
    }
    return total;
  }

  static double delta(long[] now, long[] before, int index) {
    long d = now[index] - before[index];
    return d > 0 ? d : 0;
  }

  static void gauge(List<Sample> out, String name, double value) {
    if (Double.isFinite(value)) {
      out.add(new Sample(name, Map.of(), io.pipewatch.collector.MetricKind.GAUGE, value, null));
    }
  }

  private byte[][] discoverDisks(Pattern exclude) {
    if (!diskstats.read()) {
      return new byte[0][];
    }
    return chosen(diskstatsDevices(scan.reset(diskstats)), exclude);
  }

  private byte[][] discoverInterfaces(Pattern exclude) {
    if (!netDev.read()) {
      return new byte[0][];
    }
    return chosen(netDevInterfaces(scan.reset(netDev)), exclude);
  }

  private static byte[][] chosen(List<String> names, Pattern exclude) {
    return names.stream()
        .distinct()
        .filter(name -> !exclude.matcher(name).matches())
        .map(ProcParsers::bytes)
        .toArray(byte[][]::new);
  }

  private static String hostname(Path proc) {
    try {
      String name = Files.readString(proc.resolve("sys/kernel/hostname")).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: ask the JDK
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    for (ProcFile file :
        new ProcFile[] {stat, loadavg, meminfo, vmstat, diskstats, netDev, sockstat, sockstat6}) {
      file.close();
    }
    cgroup.close();
  }

  /**
   * The cgroup of this process: v2 (unified hierarchy) when {@code cgroup.controllers} exists at
   * the mount point, else v1 controllers {@code cpu}, {@code cpuacct} and {@code memory}. The
   * process's path comes from /proc/self/cgroup; when that directory is not visible (a container
   * with its own cgroup namespace shows its cgroup at the mount root) the mount root is used.
   */
  static final class Cgroup implements AutoCloseable {
    private final String version;
    private final ProcFile cpuMax; // v2: "quota period"
    private final ProcFile cpuQuota; // v1: cfs_quota_us
    private final ProcFile cpuPeriod; // v1: cfs_period_us
    private final ProcFile cpuUsage; // v2: cpu.stat usage_usec; v1: cpuacct.usage (ns)
    private final ProcFile cpuStat; // throttling: nr_periods, nr_throttled
    private final ProcFile memoryLimit;
    private final ProcFile memoryUsage;
    private final long usageUnitNanos;
    private final long[] pair = new long[2];
    private final long[] cpuStatNow = new long[3];
    private long usageBefore = -1;
    private long periodsBefore = -1;
    private long throttledBefore = -1;

    private Cgroup(
        String version,
        ProcFile cpuMax,
        ProcFile cpuQuota,
        ProcFile cpuPeriod,
        ProcFile cpuUsage,
        ProcFile cpuStat,
        ProcFile memoryLimit,
        ProcFile memoryUsage,
        long usageUnitNanos) {
      this.version = version;
      this.cpuMax = cpuMax;
      this.cpuQuota = cpuQuota;
      this.cpuPeriod = cpuPeriod;
      this.cpuUsage = cpuUsage;
      this.cpuStat = cpuStat;
      this.memoryLimit = memoryLimit;
      this.memoryUsage = memoryUsage;
      this.usageUnitNanos = usageUnitNanos;
    }

    String describe() {
      return version + (memoryUsage == null ? "" : " " + memoryUsage.path().getParent());
    }

    static Cgroup discover(Path proc, Path mount) {
      List<String> lines;
      try {
        lines = Files.readAllLines(proc.resolve("self/cgroup"));
      } catch (IOException | RuntimeException e) {
        lines = List.of();
      }
      if (Files.exists(mount.resolve("cgroup.controllers"))) {
        Path dir = dirOf(mount, pathOf(lines, ""), "memory.current");
        return new Cgroup(
            "v2",
            file(dir, "cpu.max"),
            null,
            null,
            null,
            file(dir, "cpu.stat"),
            file(dir, "memory.max"),
            file(dir, "memory.current"),
            1000);
      }
      if (lines.isEmpty() || !Files.isDirectory(mount)) {
        return new Cgroup("none", null, null, null, null, null, null, null, 1);
      }
      Path cpu = dirOf(v1Mount(mount, "cpu"), pathOf(lines, "cpu"), "cpu.cfs_quota_us");
      Path cpuacct = dirOf(v1Mount(mount, "cpuacct"), pathOf(lines, "cpuacct"), "cpuacct.usage");
      Path memory =
          dirOf(v1Mount(mount, "memory"), pathOf(lines, "memory"), "memory.usage_in_bytes");
      return new Cgroup(
          "v1",
          null,
          file(cpu, "cpu.cfs_quota_us"),
          file(cpu, "cpu.cfs_period_us"),
          file(cpuacct, "cpuacct.usage"),
          file(cpu, "cpu.stat"),
          file(memory, "memory.limit_in_bytes"),
          file(memory, "memory.usage_in_bytes"),
          1);
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
      usageBefore = readUsage(scan);
      if (readCpuStat(scan)) {
        periodsBefore = cpuStatNow[1];
        throttledBefore = cpuStatNow[2];
      }
    }

    void sample(ByteScanner scan, List<Sample> out, double seconds) {
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
      for (ProcFile file :
          new ProcFile[] {
            cpuMax, cpuQuota, cpuPeriod, cpuUsage, cpuStat, memoryLimit, memoryUsage
          }) {
        if (file != null) {
          file.close();
        }
      }
    }
  }
}
