package io.pipewatch.collector.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The probe actor on this machine's real /proc, cgroup files and JVM. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostProbeTest {

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("application-test"));

  @Test
  void sendsAtLeast24PlausibleHostSeriesEveryInterval() {
    TestProbe<Collector.Ingest> sink = testKit.createTestProbe();
    ProbeSettings settings = ProbeSettings.create(testKit.system().settings().config());
    var probe = testKit.spawn(HostProbe.create(settings, sink.ref()::tell));

    Collector.Ingest first = sink.expectMessageClass(Collector.Ingest.class, Duration.ofSeconds(5));
    Collector.Ingest second =
        sink.expectMessageClass(Collector.Ingest.class, Duration.ofSeconds(5));
    testKit.stop(probe);

    assertThat(second.sourceId())
        .isEqualTo(first.sourceId())
        .startsWith("host/")
        .hasSizeGreaterThan(5);
    assertThat(second.timestampMillis()).isGreaterThanOrEqualTo(first.timestampMillis());
    Map<String, Double> v =
        second.samples().stream().collect(Collectors.toMap(Sample::name, Sample::value));
    assertThat(v).hasSizeGreaterThanOrEqualTo(24);
    assertThat(second.samples()).allMatch(s -> Double.isFinite(s.value()) && s.value() >= 0);
    assertThat(v.entrySet())
        .filteredOn(e -> e.getKey().endsWith("_ratio"))
        .hasSizeGreaterThanOrEqualTo(6)
        .allMatch(e -> e.getValue() <= 1.0, "ratios are at most 1");
    assertThat(v)
        .containsKeys(
            "host_cpu_utilization_ratio",
            "host_cpu_iowait_ratio",
            "host_cpu_steal_ratio",
            "host_load1",
            "host_load5",
            "host_load15",
            "host_context_switches_per_second",
            "host_interrupts_per_second",
            "host_memory_used_bytes",
            "host_memory_available_bytes",
            "host_swap_used_bytes",
            "host_page_faults_per_second",
            "host_disk_read_ops_per_second",
            "host_disk_write_bytes_per_second",
            "host_disk_busy_ratio",
            "host_disk_queue_length",
            "host_network_receive_bytes_per_second",
            "host_network_transmit_packets_per_second",
            "host_network_errors_per_second",
            "host_tcp_connections",
            "jvm_heap_used_bytes",
            "jvm_heap_committed_bytes",
            "jvm_gc_time_ratio",
            "jvm_gc_collections_per_second",
            "jvm_threads",
            "jvm_open_file_descriptors");
    assertThat(v.get("host_memory_total_bytes")).isGreaterThan(64.0 * 1024 * 1024);
    assertThat(v.get("host_memory_used_bytes")).isLessThan(v.get("host_memory_total_bytes"));
    assertThat(v.get("jvm_heap_used_bytes"))
        .isPositive()
        .isLessThanOrEqualTo(v.get("jvm_heap_committed_bytes"));
    assertThat(v.get("jvm_threads")).isGreaterThan(1);
    assertThat(v.get("jvm_open_file_descriptors")).isGreaterThan(2);
    assertThat(v.get("host_context_switches_per_second")).isPositive();
  }
}
