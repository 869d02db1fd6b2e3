package io.pipewatch.collector.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Sample;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler over /proc and cgroup v2 files captured on a build machine ("before", then "after"
 * one second later with a 20 MB direct write; the "after" eth0 and TCP lines were edited to add
 * traffic): rates are exact because the test drives the clock.
 */
class HostSamplerTest {

  @TempDir Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(HostSamplerTest.class.getResource(name).toURI());
  }

  /** Copies the fixture tree into {@code dir}, overwriting files in place (same inode). */
  private void install(String name) throws IOException, URISyntaxException {
    Path from = fixture(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path to = dir.resolve(from.relativize(file).toString());
        Files.createDirectories(to.getParent());
        Files.write(
            to,
            Files.readAllBytes(file),
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
      }
    }
  }

  private ProbeSettings settings() {
    ProbeSettings defaults = ProbeSettings.create(ConfigFactory.load());
    return new ProbeSettings(
        true,
        defaults.interval(),
        "",
        dir,
        dir.resolve("sys"),
        defaults.diskExclude(),
        defaults.networkExclude());
  }

  private static Map<String, Double> byName(List<Sample> samples) {
    return samples.stream().collect(Collectors.toMap(Sample::name, Sample::value));
  }

  @Test
  void computesRatesAndRatiosFromTwoReadings() throws Exception {
    install("before");
    AtomicLong clock = new AtomicLong();
    try (HostSampler sampler = HostSampler.create(settings(), clock::get)) {
      assertThat(sampler.sourceId()).isEqualTo("host/test-host");
      assertThat(sampler.describe()).contains("disks=[ vda ]").contains("interfaces=[ eth0 ]");
      install("after");
      clock.set(1_000_000_000L);
      Map<String, Double> v = byName(sampler.sample());

      assertThat(v.get("host_cpu_utilization_ratio")).isCloseTo(200.0 / 208, within(1e-12));
      assertThat(v.get("host_cpu_user_ratio")).isCloseTo(176.0 / 208, within(1e-12));
      assertThat(v.get("host_cpu_system_ratio")).isCloseTo(24.0 / 208, within(1e-12));
      assertThat(v.get("host_cpu_iowait_ratio")).isZero();
      assertThat(v.get("host_cpu_steal_ratio")).isZero();
      assertThat(v.get("host_context_switches_per_second")).isEqualTo(3878);
      assertThat(v.get("host_interrupts_per_second")).isEqualTo(1367);
      assertThat(v.get("host_load1")).isCloseTo(6.21, within(1e-9));
      assertThat(v.get("host_memory_used_bytes")).isEqualTo((24684084.0 - 23944760) * 1024);
      assertThat(v.get("host_memory_total_bytes")).isEqualTo(24684084.0 * 1024);
      assertThat(v.get("host_swap_used_bytes")).isZero();
      assertThat(v.get("host_page_faults_per_second")).isEqualTo(31100);
      assertThat(v.get("host_major_page_faults_per_second")).isEqualTo(2);
      assertThat(v.get("host_disk_read_ops_per_second")).isEqualTo(19);
      assertThat(v.get("host_disk_write_ops_per_second")).isEqualTo(145);
      assertThat(v.get("host_disk_read_bytes_per_second")).isEqualTo(376 * 512.0);
      assertThat(v.get("host_disk_write_bytes_per_second")).isEqualTo(43896 * 512.0);
      assertThat(v.get("host_disk_busy_ratio")).isCloseTo(0.028, within(1e-12));
      assertThat(v.get("host_disk_queue_length")).isCloseTo(0.145, within(1e-12));
      assertThat(v.get("host_network_receive_bytes_per_second")).isEqualTo(1_000_000);
      assertThat(v.get("host_network_transmit_bytes_per_second")).isEqualTo(500_000);
      assertThat(v.get("host_network_receive_packets_per_second")).isEqualTo(1000);
      assertThat(v.get("host_network_transmit_packets_per_second")).isEqualTo(400);
      assertThat(v.get("host_network_errors_per_second")).isEqualTo(3);
      assertThat(v.get("host_network_drops_per_second")).isEqualTo(1);
      assertThat(v.get("host_tcp_connections")).isEqualTo(7);
      assertThat(v.get("container_cpu_limit_cores")).isEqualTo(1.5);
      assertThat(v.get("container_cpu_usage_cores")).isCloseTo(0.75, within(1e-12));
      assertThat(v.get("container_cpu_throttled_ratio")).isEqualTo(0.5);
      assertThat(v.get("container_memory_usage_bytes")).isEqualTo(536870912.0);
      assertThat(v.get("container_memory_limit_bytes")).isEqualTo(1073741824.0);
      assertThat(v.get("container_memory_usage_ratio")).isEqualTo(0.5);
      assertThat(v).containsKeys("jvm_heap_used_bytes", "jvm_threads", "jvm_gc_time_ratio");
      assertThat(v.get("process_open_fds_ratio")).isBetween(1e-9, 1.0);
    }
  }

  @Test
  void pressureStallTimeBecomesTheShareOfTheIntervalStalled() throws Exception {
    install("before");
    AtomicLong clock = new AtomicLong();
    try (HostSampler sampler = HostSampler.create(settings(), clock::get)) {
      install("after");
      clock.set(1_000_000_000L);
      Map<String, Double> v = byName(sampler.sample());
      // io: 600 ms of "some" and 450 ms of "full" stall in one second
      assertThat(v.get("host_pressure_io_some_ratio")).isCloseTo(0.6, within(1e-12));
      assertThat(v.get("host_pressure_io_full_ratio")).isCloseTo(0.45, within(1e-12));
      assertThat(v.get("host_pressure_io_some_avg10_ratio")).isCloseTo(0.201, within(1e-12));
      assertThat(v.get("host_pressure_memory_some_ratio")).isCloseTo(0.3, within(1e-12));
      assertThat(v.get("host_pressure_memory_full_ratio")).isCloseTo(0.1, within(1e-12));
      assertThat(v.get("host_pressure_cpu_some_ratio")).isCloseTo(0.25, within(1e-12));
      assertThat(v.get("host_pressure_cpu_full_ratio")).isZero();
      // the process's cgroup (v2, here the mount root) has its own pressure files
      assertThat(v.get("container_pressure_memory_some_ratio")).isCloseTo(0.4, within(1e-12));
      assertThat(v.get("container_pressure_io_some_ratio")).isCloseTo(0.6, within(1e-12));
      assertThat(v.get("container_pressure_memory_full_avg10_ratio")).isCloseTo(0.1, within(1e-12));
      assertThat(v).doesNotContainKey("container_pressure_cpu_some_ratio");
      // swap-in: 300 pages in a second
      assertThat(v.get("host_swap_in_pages_per_second")).isEqualTo(300);
    }
  }

  @Test
  void parsesPressureLinesAndMissingFullLines() {
    ByteScanner scan = new ByteScanner();
    byte[] text =
        "some avg10=37.08 avg60=24.69 avg300=10.34 total=39786896\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    double[] avg10 = new double[2];
    long[] totals = new long[2];
    assertThat(ProcParsers.parsePressure(scan.reset(text, text.length), avg10, totals))
        .isEqualTo(1);
    assertThat(avg10[0]).isCloseTo(37.08, within(1e-9));
    assertThat(totals[0]).isEqualTo(39786896);
    assertThat(avg10[1]).isEqualTo(-1);
    assertThat(totals[1]).isEqualTo(-1);
  }

  @Test
  void countersThatGoBackwardsCountAsZero() throws Exception {
    install("after");
    AtomicLong clock = new AtomicLong();
    try (HostSampler sampler = HostSampler.create(settings(), clock::get)) {
      install("before");
      clock.set(1_000_000_000L);
      Map<String, Double> v = byName(sampler.sample());
      assertThat(v.get("host_context_switches_per_second")).isZero();
      assertThat(v.get("host_disk_write_ops_per_second")).isZero();
      assertThat(v.get("host_network_receive_bytes_per_second")).isZero();
    }
  }

  @Test
  void missingFilesLeaveTheirSeriesOut() throws Exception {
    Files.writeString(dir.resolve("loadavg"), "0.50 0.40 0.30 1/2 3\n");
    try (HostSampler sampler = HostSampler.create(settings(), new AtomicLong()::incrementAndGet)) {
      Map<String, Double> v = byName(sampler.sample());
      assertThat(v).containsEntry("host_load15", 0.3);
      assertThat(v.keySet())
          .noneMatch(name -> name.startsWith("host_cpu") || name.startsWith("container_"))
          .anyMatch(name -> name.startsWith("jvm_"));
    }
  }

  @Test
  void excludesPartitionsLoopAndVirtualDevicesByDefault() {
    ProbeSettings defaults = ProbeSettings.create(ConfigFactory.load());
    Pattern disks = defaults.diskExclude();
    assertThat(Stream.of("sda", "vda", "nvme0n1", "xvdb", "mmcblk0"))
        .noneMatch(d -> disks.matcher(d).matches());
    assertThat(Stream.of("sda1", "vda2", "nvme0n1p1", "loop3", "zram0", "ram1", "dm-0", "md127"))
        .allMatch(d -> disks.matcher(d).matches());
    Pattern nets = defaults.networkExclude();
    assertThat(Stream.of("eth0", "ens3", "wlan0")).noneMatch(n -> nets.matcher(n).matches());
    assertThat(Stream.of("lo", "ifb0", "veth12ab", "docker0"))
        .allMatch(n -> nets.matcher(n).matches());
    assertThat(defaults.interval()).hasMillis(100);
  }
}
