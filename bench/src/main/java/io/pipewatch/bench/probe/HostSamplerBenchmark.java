package io.pipewatch.bench.probe;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.probe.HostSampler;
import io.pipewatch.collector.probe.ProbeSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import oshi.SystemInfo;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

/**
 * Time of one host-probe cycle: Pipewatch's {@link HostSampler} (direct /proc and cgroup reads, 40+
 * series) against OSHI reading the comparable hot counters (CPU ticks, memory, swap, disk and
 * network counters with disk and interface lists fetched once, as STACK.md measured), in the same
 * run. Run: {@code java -jar bench/target/benchmarks.jar HostSamplerBenchmark -wi 3 -i 5 -f 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HostSamplerBenchmark {

  /** Pipewatch's sampler. */
  @State(Scope.Benchmark)
  public static class Pipewatch {
    HostSampler sampler;

    @Setup(Level.Trial)
    public void setUp() {
      sampler = HostSampler.create(ProbeSettings.create(ConfigFactory.load()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      sampler.close();
    }
  }

  /** OSHI with the disk and network lists discovered once. */
  @State(Scope.Benchmark)
  public static class Oshi {
    HardwareAbstractionLayer hal;
    List<HWDiskStore> disks;
    List<NetworkIF> interfaces;

    @Setup(Level.Trial)
    public void setUp() {
      hal = new SystemInfo().getHardware();
      disks = hal.getDiskStores();
      interfaces = hal.getNetworkIFs();
    }
  }

  @Benchmark
  public List<Sample> pipewatchSampler(Pipewatch state) {
    return state.sampler.sample();
  }

  @Benchmark
  public void oshiHotCounters(Oshi state, Blackhole hole) {
    hole.consume(state.hal.getProcessor().getSystemCpuLoadTicks());
    hole.consume(state.hal.getProcessor().getSystemLoadAverage(3));
    hole.consume(state.hal.getProcessor().getContextSwitches());
    hole.consume(state.hal.getProcessor().getInterrupts());
    hole.consume(state.hal.getMemory().getAvailable());
    hole.consume(state.hal.getMemory().getVirtualMemory().getSwapUsed());
    for (HWDiskStore disk : state.disks) {
      disk.updateAttributes();
      hole.consume(disk.getReadBytes());
    }
    for (NetworkIF nic : state.interfaces) {
      nic.updateAttributes();
      hole.consume(nic.getBytesRecv());
    }
  }
}
