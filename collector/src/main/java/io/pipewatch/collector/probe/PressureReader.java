package io.pipewatch.collector.probe;

import static io.pipewatch.collector.probe.HostSampler.gauge;

import io.pipewatch.collector.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads Linux pressure stall information (PSI, kernel 4.20+) for the host (/proc/pressure) or a
 * cgroup v2 directory ({@code cpu.pressure}, {@code memory.pressure}, {@code io.pressure}): the
 * share of time in which some task (and, "full", all non-idle tasks at once) was stalled waiting
 * for CPU, memory (reclaim, refaults, swap-in) or I/O. That is the most direct saturation signal
 * the kernel offers: it counts waiting, not how busy a device looks. Per resource it reports
 *
 * <ul>
 *   <li>{@code <prefix>_pressure_<resource>_some_ratio} and {@code _full_ratio}: the stall-time
 *       counter ({@code total}, microseconds) turned into a rate, i.e. the share of the last
 *       interval spent stalled, 0–1 — as fresh as the probe's interval;
 *   <li>{@code <prefix>_pressure_<resource>_some_avg10_ratio} and {@code _full_avg10_ratio}: the
 *       kernel's own 10 s running average ({@code avg10}, recomputed every 2 s) as 0–1.
 * </ul>
 *
 * A missing file (older kernel, PSI disabled, cgroup v1) leaves its series out. A "full" line the
 * kernel does not give (cpu before 5.13) is left out too.
 */
final class PressureReader implements AutoCloseable {
  private static final String[] RESOURCES = {"cpu", "memory", "io"};

  private final ProcFile[] files = new ProcFile[RESOURCES.length];
  private final String[][] names = new String[RESOURCES.length][4];
  private final long[][] before = new long[RESOURCES.length][2];
  private final double[] avg10 = new double[2];
  private final long[] totals = new long[2];

  /**
   * A reader of {@code dir/<resource><suffix>}: for the host {@code (/proc/pressure, "", "host")},
   * for a cgroup v2 directory {@code (dir, ".pressure", "container")}.
   */
  PressureReader(Path dir, String suffix, String prefix) {
    for (int r = 0; r < RESOURCES.length; r++) {
      Path path = dir.resolve(RESOURCES[r] + suffix);
      files[r] = Files.isReadable(path) ? new ProcFile(path, 256) : null;
      String base = prefix + "_pressure_" + RESOURCES[r];
      names[r][0] = base + "_some_ratio";
      names[r][1] = base + "_full_ratio";
      names[r][2] = base + "_some_avg10_ratio";
      names[r][3] = base + "_full_avg10_ratio";
      before[r][0] = before[r][1] = -1;
    }
  }

  /** Whether any pressure file is readable. */
  boolean available() {
    for (ProcFile f : files) {
      if (f != null) {
        return true;
      }
    }
    return false;
  }

  /** Takes the first reading of the counters. */
  void prime(ByteScanner scan) {
    for (int r = 0; r < files.length; r++) {
      if (read(scan, r)) {
        before[r][0] = totals[0];
        before[r][1] = totals[1];
      }
    }
  }

  /** Adds the pressure series, with rates over the {@code seconds} since the last call. */
  void sample(ByteScanner scan, List<Sample> out, double seconds) {
    for (int r = 0; r < files.length; r++) {
      if (!read(scan, r)) {
        continue;
      }
      for (int k = 0; k < 2; k++) {
        if (totals[k] < 0) {
          continue;
        }
        if (before[r][k] >= 0) {
          double stalled = Math.max(0, totals[k] - before[r][k]) / 1e6 / seconds;
          gauge(out, names[r][k], Math.min(1, stalled));
        }
        gauge(out, names[r][2 + k], avg10[k] / 100.0);
        before[r][k] = totals[k];
      }
    }
  }

  private boolean read(ByteScanner scan, int r) {
    ProcFile f = files[r];
    return f != null && f.read() && ProcParsers.parsePressure(scan.reset(f), avg10, totals) > 0;
  }

  @Override
  public void close() {
    for (ProcFile f : files) {
      if (f != null) {
        f.close();
      }
    }
  }
}
