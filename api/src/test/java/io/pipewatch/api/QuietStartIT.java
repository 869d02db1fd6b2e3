package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.AnalysisTopic;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.BottleneckKind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.Test;

/**
 * The first minute of a real node (in-memory journal: persistence is not what is judged here; host
 * probe every 100 ms, the analyzer's default settings, demo off): a quiet start opens no bottleneck
 * — not while the JVM starts and compiles (which saturates the CPU for seconds), not afterwards.
 * Watched two ways for 60 s from the start of the node: every {@code BottleneckDetected} on the
 * analysis topic, and {@code GET /api/bottlenecks} polled every 2 s. (The demo pipeline is not a
 * quiet start: it starts untuned by design, overloaded until the optimizer corrects it.)
 *
 * <p>The machine is shared with other builds, so the host's CPU may really be saturated: a CPU
 * bottleneck on the host is then correct, not false. It is tolerated only if it opened after the
 * analyzer's 20 s warm-up and the host's CPU, read by this test from {@code /proc/stat} over the
 * second before, was at least 85 % busy. Anything else opened in the minute fails the test.
 */
class QuietStartIT {
  private static final long MINUTE_MILLIS = 60_000;
  private static final long WARM_UP_MILLIS = 20_000;
  private static final double SATURATED = 0.85;

  private record Seen(Bottleneck bottleneck, long wallMillis) {}

  /** Host CPU busy ratio sampled by the test: wall time and busy share since the last sample. */
  private record CpuSample(long wallMillis, double busy) {}

  @Test
  void noBottleneckOpensInTheFirstMinute() throws Exception {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    List<CpuSample> cpu = new ArrayList<>();
    long[] previous = readProcStat();
    long start = System.currentTimeMillis();
    try (RunningServer server =
        RunningServer.start(
            "quiet",
            """
            pipewatch.collector.probe.enabled = on
            pipewatch.simulator.demo.enabled = false
            """,
            RunningServer.inMemoryJournal("quiet-start-snapshots"))) {
      ActorRef<AnalysisEvent> recorder =
          server.kit.spawn(
              Behaviors.receive(AnalysisEvent.class)
                  .onMessage(
                      BottleneckAnalyzer.BottleneckDetected.class,
                      e -> {
                        seen.add(new Seen(e.bottleneck(), System.currentTimeMillis()));
                        return Behaviors.same();
                      })
                  .build(),
              "quiet-recorder");
      AnalysisTopic.get(server.kit.system()).tell(Topic.subscribe(recorder));
      List<String> listed = new ArrayList<>();
      int polls = 0;
      while (System.currentTimeMillis() - start < MINUTE_MILLIS) {
        for (int i = 0; i < 4; i++) {
          Thread.sleep(500);
          long[] now = readProcStat();
          cpu.add(new CpuSample(System.currentTimeMillis(), busy(previous, now)));
          previous = now;
        }
        HttpResponse<String> response = server.get("/api/bottlenecks");
        assertThat(response.statusCode()).isEqualTo(200);
        polls++;
        for (JsonNode b : RunningServer.json(response).path("bottlenecks")) {
          listed.add(b.path("sourceId").asText() + "/" + b.path("kind").asText());
        }
      }
      List<String> unexplained = new ArrayList<>();
      boolean hostCpuExplained = false;
      for (Seen s : seen) {
        Bottleneck b = s.bottleneck();
        boolean hostCpu = b.sourceId().startsWith("host/") && b.kind() == BottleneckKind.CPU;
        double busy = busyBefore(cpu, s.wallMillis());
        System.out.printf(
            Locale.ROOT,
            "QUIET-START %s %s %s at +%.1f s, host CPU busy %.2f the second before%n",
            b.sourceId(),
            b.kind(),
            b.id(),
            (s.wallMillis() - start) / 1000.0,
            busy);
        if (hostCpu && s.wallMillis() - start >= WARM_UP_MILLIS && busy >= SATURATED) {
          hostCpuExplained = true;
        } else {
          unexplained.add(b.sourceId() + " " + b.kind() + " at +" + (s.wallMillis() - start));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "QUIET-START %d polls, %d bottleneck events, load %s%n",
          polls,
          seen.size(),
          Files.readString(Path.of("/proc/loadavg")).trim());
      assertThat(polls).isGreaterThanOrEqualTo(10);
      assertThat(unexplained).as("bottlenecks opened during a quiet start").isEmpty();
      boolean tolerateHostCpu = hostCpuExplained;
      assertThat(listed)
          .as("GET /api/bottlenecks during the first minute")
          .allMatch(b -> tolerateHostCpu && b.startsWith("host/") && b.endsWith("/cpu"));
    }
  }

  /** The highest busy ratio the test read in the second before {@code wallMillis}. */
  private static double busyBefore(List<CpuSample> samples, long wallMillis) {
    double max = 0.0;
    for (CpuSample s : samples) {
      if (s.wallMillis() > wallMillis - 1_000 && s.wallMillis() <= wallMillis + 500) {
        max = Math.max(max, s.busy());
      }
    }
    return max;
  }

  /** Busy share of all CPUs between two {@code /proc/stat} readings (idle and iowait are idle). */
  private static double busy(long[] before, long[] after) {
    long total = 0;
    long idle = 0;
    for (int i = 0; i < after.length; i++) {
      long d = after[i] - before[i];
      total += d;
      if (i == 3 || i == 4) {
        idle += d;
      }
    }
    return total == 0 ? 0.0 : 1.0 - (double) idle / total;
  }

  /** The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal. */
  private static long[] readProcStat() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
    String[] f = line.trim().split("\\s+");
    long[] v = new long[8];
    for (int i = 0; i < v.length; i++) {
      v[i] = Long.parseLong(f[i + 1]);
    }
    return v;
  }
}
