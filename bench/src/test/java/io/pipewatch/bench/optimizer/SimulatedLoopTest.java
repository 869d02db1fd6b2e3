package io.pipewatch.bench.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.OptimizerEvent;
import io.pipewatch.optimizer.OptimizerSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closed loop against the simulated pipeline, in simulated time (deterministic seeds). */
final class SimulatedLoopTest {
  private final OptimizerSettings opt = OptimizerSettings.create(ConfigFactory.load());

  @Test
  void aForcedHarmfulChangeIsRolledBackWithinOneWindow() {
    try (SimulatedLoop loop =
        new SimulatedLoop(
            OptimizerLoopHarness.settings(400, 42), opt, List.of("embed.concurrency=24"), true)) {
      loop.mode(Mode.OFF);
      loop.run(Duration.ofSeconds(60));
      long forcedAt = loop.nowMillis();
      loop.force("docpipe-embed", "concurrency", 64);
      loop.run(Duration.ofSeconds(90));

      OptimizerEvent.ChangeRolledBack rolledBack =
          loop.journal().stream()
              .filter(OptimizerEvent.ChangeRolledBack.class::isInstance)
              .map(OptimizerEvent.ChangeRolledBack.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(rolledBack.restoredValue()).isEqualTo(24);
      assertThat(rolledBack.atMillis() - forcedAt)
          .isLessThanOrEqualTo(opt.transientTime().plus(opt.window()).toMillis() + 2000);
    }
  }

  @Test
  void theMisSetDemoPipelineIsImprovedAndChangesAreMeasured() {
    try (SimulatedLoop loop =
        new SimulatedLoop(
            OptimizerLoopHarness.settings(250, 42), opt, OptimizerLoopHarness.MIS_SET, true)) {
      loop.mode(Mode.AUTO);
      loop.run(Duration.ofSeconds(60));
      double firstMinute = loop.completed();
      loop.run(Duration.ofMinutes(5));
      double before = loop.completed();
      loop.run(Duration.ofSeconds(60));
      double lastMinute = loop.completed() - before;

      assertThat(loop.journal()).anyMatch(OptimizerEvent.ChangeKept.class::isInstance);
      assertThat(loop.journal())
          .filteredOn(OptimizerEvent.ChangeEvaluated.class::isInstance)
          .allMatch(e -> ((OptimizerEvent.ChangeEvaluated) e).samplesAfter() >= 15);
      assertThat(lastMinute)
          .as("documents completed in minute 7 vs minute 1")
          .isGreaterThan(2 * firstMinute);
    }
  }
}
