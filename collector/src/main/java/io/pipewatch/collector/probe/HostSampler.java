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
 * /proc/loadavg, /proc/meminfo, /proc/vmstat, /proc/diskstats, /proc/net/dev,
 * /proc/net/sockstat(6), the pressure stall files /proc/pressure/{cpu,memory,io} ({@link
 * PressureReader}) and the cgroup (v2, else v1) files of this process ({@link CgroupReader}). The
 * JVM figures come from the platform MXBeans. Counters become per-second rates (or 0–1 ratios of
 * elapsed time) from the difference to the previous call divided by the time between the two calls;
 * a counter that went backwards (reset, device replaced) counts as 0 for that interval. The
 * constructor takes a first reading so the first {@link #sample()} already has rates. A file that
 * does not exist (another OS, no cgroup, no swap) leaves its series out; nothing fails.
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

  private static final double SECTOR_BYTES = 512; // diskstats counts 512-byte sectors always

  private static final byte[][] MEMINFO_KEYS =
      ByteScanner.names("MemTotal", "MemAvailable", "SwapTotal", "SwapFree");
  private static final byte[][] VMSTAT_KEYS = ByteScanner.names("pgfault", "pgmajfault", "pswpin");
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
  private final CgroupReader cgroup;
  private final PressureReader pressure;

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
    this.pressure = new PressureReader(proc.resolve("pressure"), "", "host");
    this.cgroup = CgroupReader.discover(proc, settings.sysRoot().resolve("fs/cgroup"));
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
    java.util.Arrays.fill(vmBefore, -1);
    vmValid = vmstat.read() && parseKeyed(scan.reset(vmstat), VMSTAT_KEYS, vmBefore) > 0;
    diskValid =
        disks.length > 0
            && diskstats.read()
            && parseDiskstats(scan.reset(diskstats), disks, diskBefore) > 0;
    netValid = netDev.read() && parseNetDev(scan.reset(netDev), interfaces, netBefore) > 0;
    gcTimeBefore = gcTime();
    gcCountBefore = gcCount();
    processCpuBefore = osBean == null ? -1 : osBean.getProcessCpuTime();
    pressure.prime(scan);
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
    pressure.sample(scan, out, seconds);
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
    java.util.Arrays.fill(vmNow, -1);
    if (vmstat.read() && parseKeyed(scan.reset(vmstat), VMSTAT_KEYS, vmNow) > 0) {
      if (vmValid) {
        gauge(out, "host_page_faults_per_second", delta(vmNow, vmBefore, 0) / seconds);
        gauge(out, "host_major_page_faults_per_second", delta(vmNow, vmBefore, 1) / seconds);
        if (vmNow[2] >= 0 && vmBefore[2] >= 0) {
          gauge(out, "host_swap_in_pages_per_second", delta(vmNow, vmBefore, 2) / seconds);
        }
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
      long open = unixBean.getOpenFileDescriptorCount();
      long max = unixBean.getMaxFileDescriptorCount();
      gauge(out, "jvm_open_file_descriptors", open);
      if (open >= 0 && max > 0) {
        // share of this process's file descriptor limit (RLIMIT_NOFILE) in use
        gauge(out, "process_open_fds_ratio", (double) open / max);
      }
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
    pressure.close();
    cgroup.close();
  }
}
