package io.pipewatch.collector.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocation-free parsers of the Linux files the host probe reads, each filling a caller-owned
 * {@code long[]} from a {@link ByteScanner}. Formats: proc(5) and the kernel's
 * Documentation/admin-guide/iostats.rst (diskstats), cgroup-v1/v2 docs for the cgroup files.
 */
final class ProcParsers {
  private ProcParsers() {}

  // /proc/stat: the aggregate "cpu" line (USER_HZ ticks) and system-wide counters.
  static final int USER = 0;
  static final int NICE = 1;
  static final int SYSTEM = 2;
  static final int IDLE = 3;
  static final int IOWAIT = 4;
  static final int IRQ = 5;
  static final int SOFTIRQ = 6;
  static final int STEAL = 7;
  static final int CTXT = 8;
  static final int INTR = 9;
  static final int PROCS_RUNNING = 10;
  static final int PROCS_BLOCKED = 11;
  static final int STAT_FIELDS = 12;

  private static final byte[] CPU = bytes("cpu ");
  private static final byte[] CTXT_PREFIX = bytes("ctxt ");
  private static final byte[] INTR_PREFIX = bytes("intr ");
  private static final byte[] RUNNING_PREFIX = bytes("procs_running ");
  private static final byte[] BLOCKED_PREFIX = bytes("procs_blocked ");

  /** Reads /proc/stat into {@code out} ({@link #STAT_FIELDS} slots); false without a cpu line. */
  static boolean parseStat(ByteScanner s, long[] out) {
    boolean cpu = false;
    while (s.hasMore()) {
      if (s.lineStartsWith(CPU)) {
        s.skipToken();
        for (int i = USER; i <= STEAL; i++) {
          out[i] = s.nextLong();
        }
        cpu = true;
      } else if (s.lineStartsWith(CTXT_PREFIX)) {
        s.skipToken();
        out[CTXT] = s.nextLong();
      } else if (s.lineStartsWith(INTR_PREFIX)) {
        s.skipToken();
        out[INTR] = s.nextLong(); // the first number is the total of all interrupts
      } else if (s.lineStartsWith(RUNNING_PREFIX)) {
        s.skipToken();
        out[PROCS_RUNNING] = s.nextLong();
      } else if (s.lineStartsWith(BLOCKED_PREFIX)) {
        s.skipToken();
        out[PROCS_BLOCKED] = s.nextLong();
      }
      s.nextLine();
    }
    return cpu;
  }

  /** Reads the three load averages of /proc/loadavg. */
  static boolean parseLoadavg(ByteScanner s, double[] out) {
    for (int i = 0; i < 3; i++) {
      out[i] = s.nextDecimal();
      if (!s.lastOk()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads "key value" lines (/proc/meminfo with "Key: value kB", /proc/vmstat, cgroup cpu.stat and
   * memory.stat): {@code out[i]} gets the value of {@code keys[i]}; returns how many were found.
   */
  static int parseKeyed(ByteScanner s, byte[][] keys, long[] out) {
    int found = 0;
    while (s.hasMore()) {
      int key = s.nextToken(keys);
      if (key >= 0) {
        out[key] = s.nextLong();
        if (s.lastOk()) {
          found++;
        }
      }
      s.nextLine();
    }
    return found;
  }

  // /proc/diskstats, per device: fields 1, 3, 5, 7, 9, 10, 11 of iostats.rst.
  static final int READS = 0;
  static final int SECTORS_READ = 1;
  static final int WRITES = 2;
  static final int SECTORS_WRITTEN = 3;
  static final int IN_PROGRESS = 4;
  static final int IO_MILLIS = 5;
  static final int WEIGHTED_IO_MILLIS = 6;
  static final int DISK_FIELDS = 7;

  /**
   * Reads /proc/diskstats: for the device {@code devices[d]}, {@code out[d * DISK_FIELDS + f]}.
   * Returns how many of the devices were found.
   */
  static int parseDiskstats(ByteScanner s, byte[][] devices, long[] out) {
    int found = 0;
    while (s.hasMore()) {
      s.nextLong(); // major
      s.nextLong(); // minor
      int d = s.nextToken(devices);
      if (d >= 0) {
        int base = d * DISK_FIELDS;
        out[base + READS] = s.nextLong(); // 1 reads completed
        s.nextLong(); // 2 reads merged
        out[base + SECTORS_READ] = s.nextLong(); // 3 sectors read
        s.nextLong(); // 4 ms reading
        out[base + WRITES] = s.nextLong(); // 5 writes completed
        s.nextLong(); // 6 writes merged
        out[base + SECTORS_WRITTEN] = s.nextLong(); // 7 sectors written
        s.nextLong(); // 8 ms writing
        out[base + IN_PROGRESS] = s.nextLong(); // 9 I/Os in progress
        out[base + IO_MILLIS] = s.nextLong(); // 10 ms doing I/O
        out[base + WEIGHTED_IO_MILLIS] = s.nextLong(); // 11 weighted ms doing I/O
        if (s.lastOk()) {
          found++;
        }
      }
      s.nextLine();
    }
    return found;
  }

  // /proc/net/dev, summed over the chosen interfaces.
  static final int RX_BYTES = 0;
  static final int RX_PACKETS = 1;
  static final int RX_ERRORS = 2;
  static final int RX_DROPS = 3;
  static final int TX_BYTES = 4;
  static final int TX_PACKETS = 5;
  static final int TX_ERRORS = 6;
  static final int TX_DROPS = 7;
  static final int NET_FIELDS = 8;

  /**
   * Reads /proc/net/dev, summing the counters of {@code interfaces}; returns how many were found.
   */
  static int parseNetDev(ByteScanner s, byte[][] interfaces, long[] out) {
    java.util.Arrays.fill(out, 0, NET_FIELDS, 0);
    s.nextLine(); // two header lines
    s.nextLine();
    int found = 0;
    while (s.hasMore()) {
      if (s.nextToken(interfaces) >= 0) {
        out[RX_BYTES] += s.nextLong();
        out[RX_PACKETS] += s.nextLong();
        out[RX_ERRORS] += s.nextLong();
        out[RX_DROPS] += s.nextLong();
        s.nextLong(); // fifo
        s.nextLong(); // frame
        s.nextLong(); // compressed
        s.nextLong(); // multicast
        out[TX_BYTES] += s.nextLong();
        out[TX_PACKETS] += s.nextLong();
        out[TX_ERRORS] += s.nextLong();
        out[TX_DROPS] += s.nextLong();
        found++;
      }
      s.nextLine();
    }
    return found;
  }

  private static final byte[][] INUSE = ByteScanner.names("inuse");

  /**
   * Reads the "inuse" count of the line starting with {@code prefix} ("TCP:" in /proc/net/sockstat,
   * "TCP6:" in sockstat6): TCP sockets in use (established, listening, closing); -1 if absent.
   */
  static long parseSockstatInUse(ByteScanner s, byte[] prefix) {
    while (s.hasMore()) {
      if (s.lineStartsWith(prefix)) {
        s.skipToken();
        if (s.nextToken(INUSE) == 0) {
          long value = s.nextLong();
          return s.lastOk() ? value : -1;
        }
        return -1;
      }
      s.nextLine();
    }
    return -1;
  }

  /** A cgroup value file: a number, or -1 for "max" (no limit). */
  private static final byte[] SOME = bytes("some ");

  private static final byte[] FULL = bytes("full ");

  /**
   * A pressure stall file (/proc/pressure/{cpu,memory,io}, cgroup v2 {@code *.pressure}): lines
   * {@code some avg10=0.12 avg60=0.05 avg300=0.01 total=123456} and {@code full ...}. Into {@code
   * avg10}: [some, full] as 0–100 percentages; into {@code totals}: [some, full] stall microseconds
   * since boot. A line that is missing leaves its slots at -1. Returns the number of lines read.
   */
  static int parsePressure(ByteScanner s, double[] avg10, long[] totals) {
    avg10[0] = avg10[1] = -1;
    totals[0] = totals[1] = -1;
    int found = 0;
    while (s.hasMore()) {
      int slot = s.lineStartsWith(SOME) ? 0 : s.lineStartsWith(FULL) ? 1 : -1;
      if (slot >= 0 && s.skipPast((byte) '=')) {
        double avg = s.nextDecimal();
        boolean ok = s.lastOk();
        // avg60, avg300, then total
        if (ok && s.skipPast((byte) '=') && s.skipPast((byte) '=') && s.skipPast((byte) '=')) {
          long total = s.nextLong();
          if (s.lastOk()) {
            avg10[slot] = avg;
            totals[slot] = total;
            found++;
          }
        }
      }
      s.nextLine();
    }
    return found;
  }

  static long parseCgroupValue(ByteScanner s) {
    long value = s.nextLong();
    return s.lastOk() ? value : -1;
  }

  /** cgroup v2 cpu.max ("max 100000" or "200000 100000"): {quota or -1, period}. */
  static boolean parseCpuMax(ByteScanner s, long[] out) {
    long quota = s.nextLong();
    if (!s.lastOk()) {
      s.skipToken();
      quota = -1;
    }
    long period = s.nextLong();
    out[0] = quota;
    out[1] = period;
    return s.lastOk() && period > 0;
  }

  /** The device names of /proc/diskstats (discovery; allocates). */
  static List<String> diskstatsDevices(ByteScanner s) {
    List<String> names = new ArrayList<>();
    while (s.hasMore()) {
      s.nextLong();
      s.nextLong();
      String name = s.nextTokenText();
      if (!name.isEmpty()) {
        names.add(name);
      }
      s.nextLine();
    }
    return names;
  }

  /** The interface names of /proc/net/dev (discovery; allocates). */
  static List<String> netDevInterfaces(ByteScanner s) {
    List<String> names = new ArrayList<>();
    s.nextLine();
    s.nextLine();
    while (s.hasMore()) {
      String name = s.nextTokenText();
      if (!name.isEmpty()) {
        names.add(name);
      }
      s.nextLine();
    }
    return names;
  }

  static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
