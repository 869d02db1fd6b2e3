package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultSpecTest {

  @Test
  void parsesEveryField() {
    FaultSpec spec = FaultSpec.parse("cpu-saturation", "Embed", "1.5m", 0.8, "30s");
    assertThat(spec.kind()).isEqualTo(FaultKind.CPU_SATURATION);
    assertThat(spec.stage()).isEqualTo(Stage.EMBED);
    assertThat(spec.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(spec.delay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(spec.intensity()).isEqualTo(0.8);
  }

  @Test
  void defaultsIntensityAndDelayAndAcceptsIsoDurationsAndSnakeCase() {
    FaultSpec spec = FaultSpec.parse("STAGE_STALL", "parse", "PT2M", null, null);
    assertThat(spec.kind()).isEqualTo(FaultKind.STAGE_STALL);
    assertThat(spec.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(spec.delay()).isZero();
    assertThat(spec.intensity()).isEqualTo(FaultSpec.DEFAULT_INTENSITY);
  }

  @Test
  void dbContentionDefaultsToTheIndexStage() {
    assertThat(FaultSpec.parse("db-contention", null, "10s", null, null).stage())
        .isEqualTo(Stage.INDEX);
  }

  @ParameterizedTest(name = "{0}/{1}/{2}/{3} -> {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cpu-melt       | embed | 90s   | 0.5 | kind      | unknown kind 'cpu-melt'",
        "               | embed | 90s   | 0.5 | kind      | kind is missing",
        "error-burst    | ocr   | 90s   | 0.5 | stage     | unknown stage 'ocr'",
        "error-burst    |       | 90s   | 0.5 | stage     | stage is missing",
        "error-burst    | parse | soon  | 0.5 | duration  | bad duration 'soon'",
        "error-burst    | parse |       | 0.5 | duration  | duration is missing",
        "error-burst    | parse | 0s    | 0.5 | duration  | duration must be positive",
        "error-burst    | parse | 90s   | 1.5 | intensity | intensity must be a number above 0",
        "error-burst    | parse | 90s   | 0   | intensity | intensity must be a number above 0",
        "slow-ipc       | index | 90s   | 0.5 | stage     | slow-ipc needs a stage with an outgoing hop",
        "db-contention  | parse | 90s   | 0.5 | stage     | db-contention concerns the database",
      })
  void rejectsBadFieldsNamingTheField(
      String kind, String stage, String duration, Double intensity, String field, String message) {
    assertThatThrownBy(() -> FaultSpec.parse(kind, stage, duration, intensity, null))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "duration | PT3000000H",
        "duration | 3000000h",
        "duration | 25h",
        "duration | PT24H0.001S",
        "duration | 99999999999999999999999999999999999999999999999999999999999h",
        "duration | PT-5S",
        "delay    | PT3000000H",
        "delay    | 1441m",
        "delay    | PT-1S",
      })
  void outOfRangeDurationsAreRefusedNamingTheFieldWithoutOverflow(String field, String text) {
    String duration = field.equals("duration") ? text : "10s";
    String delay = field.equals("delay") ? text : null;
    assertThatThrownBy(() -> FaultSpec.parse("error-burst", "parse", duration, null, delay))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    FaultSpec spec = FaultSpec.parse("error-burst", "parse", "24h", null, "PT24H");
    assertThat(spec.duration()).isEqualTo(FaultSpec.MAX_DURATION);
    assertThat(spec.delay()).isEqualTo(FaultSpec.MAX_DELAY);
  }

  @ParameterizedTest
  @CsvSource({"NaN", "Infinity", "-Infinity", "-0.5", "1.0000001"})
  void nonFiniteOrOutOfRangeIntensityIsRefused(double intensity) {
    assertThatThrownBy(() -> FaultSpec.parse("error-burst", "parse", "10s", intensity, null))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo("intensity"));
  }

  @Test
  void theConstructorBoundsDurationAndDelayToo() {
    assertThatThrownBy(
            () ->
                new FaultSpec(
                    FaultKind.ERROR_BURST, Stage.PARSE, Duration.ZERO, Duration.ofDays(2), 0.5))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo("duration"));
    assertThatThrownBy(
            () ->
                new FaultSpec(
                    FaultKind.ERROR_BURST,
                    Stage.PARSE,
                    Duration.ofSeconds(Long.MAX_VALUE),
                    Duration.ofSeconds(1),
                    0.5))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo("delay"));
  }

  @Test
  void aHugeValueIsNotEchoedWhole() {
    String huge = "x".repeat(100_000);
    assertThatThrownBy(() -> FaultSpec.parse(huge, "parse", "10s", null, null))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
  }

  @Test
  void aSimulatorTakesTheLongestFaultsAtTheLatestStart() {
    try (PipelineSimulator sim =
        PipelineSimulator.create(SimulatorSettings.defaults(), batch -> {}, 0L)) {
      GroundTruth truth =
          sim.injectFault(FaultSpec.parse("error-burst", "parse", "24h", null, "24h"));
      assertThat(truth.endMillis() - truth.startMillis()).isEqualTo(24 * 3_600_000L);
      assertThat(truth.startMillis()).isEqualTo(24 * 3_600_000L);
    }
  }

  @Test
  void badDelayIsNamed() {
    assertThatThrownBy(() -> FaultSpec.parse("error-burst", "parse", "10s", null, "later"))
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo("delay"));
  }

  @Test
  void requestBodyValidatesThroughToSpec() {
    FaultRequest ok = new FaultRequest("slow-ipc", "parse", "2m", 0.6, null);
    assertThat(ok.toSpec().stage().hopId()).isEqualTo("parse-embed");
    FaultRequest bad = new FaultRequest("slow-ipc", "nowhere", "2m", null, null);
    assertThatThrownBy(bad::toSpec)
        .isInstanceOfSatisfying(
            InvalidFaultException.class, e -> assertThat(e.field()).isEqualTo("stage"));
  }

  @Test
  void groundTruthKnowsWhenItActs() {
    GroundTruth truth =
        new GroundTruth(
            "fault-1", FaultKind.ERROR_BURST, Stage.INDEX, "docpipe-index", 1000, 2000, 1);
    assertThat(truth.activeAt(999)).isFalse();
    assertThat(truth.activeAt(1000)).isTrue();
    assertThat(truth.activeAt(1999)).isTrue();
    assertThat(truth.activeAt(2000)).isFalse();
  }
}
