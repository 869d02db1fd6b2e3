package io.pipewatch.collector.probe;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the {@link HostProbe} ({@code pipewatch.collector.probe}).
 *
 * @param enabled whether the server starts a probe on this node
 * @param interval time between two samples
 * @param sourceId the source id of the probe's batches; empty means {@code host/<hostname>}
 * @param procRoot where procfs is mounted ({@code /proc})
 * @param sysRoot where sysfs is mounted ({@code /sys}; cgroup files are under fs/cgroup)
 * @param diskExclude block devices of /proc/diskstats left out of the disk totals (partitions,
 *     loop, ram and device-mapper devices, so that no I/O is counted twice)
 * @param networkExclude interfaces of /proc/net/dev left out of the network totals (loopback and
 *     virtual devices that mirror traffic of a physical one)
 */
public record ProbeSettings(
    boolean enabled,
    Duration interval,
    String sourceId,
    Path procRoot,
    Path sysRoot,
    Pattern diskExclude,
    Pattern networkExclude) {

  /** Reads {@code pipewatch.collector.probe} of {@code root}. */
  public static ProbeSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.collector.probe");
    return new ProbeSettings(
        in.bool("enabled"),
        in.positiveDuration("interval"),
        in.string("source-id").strip(),
        Path.of(in.nonBlankString("proc-root")),
        Path.of(in.nonBlankString("sys-root")),
        pattern(in, "disk-exclude"),
        pattern(in, "network-exclude"));
  }

  private static Pattern pattern(SettingsReader in, String path) {
    String text = in.string(path);
    try {
      return Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      throw new InvalidSettingException(in.key(path), "a Java regular expression", text);
    }
  }
}
