package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

  @Test
  void referenceDefaultsAreValidWithDemoOn() {
    SimulatorSettings settings =
        SimulatorSettings.create(
            ConfigFactory.parseString("PIPEWATCH_DEMO = true")
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve());
    assertThat(settings.pipeline()).isEqualTo("docpipe");
    assertThat(settings.flushInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.stages())
        .extracting(SimulatorSettings.StageSettings::stage)
        .containsExactly(Stage.values());
    assertThat(settings.demo().enabled()).isTrue();
    assertThat(settings.demo().script()).hasSize(FaultKind.values().length);
    assertThat(settings.demo().script())
        .extracting(FaultSpec::kind)
        .containsExactlyInAnyOrder(FaultKind.values());
    assertThat(settings.sourceId(Stage.EMBED)).isEqualTo("docpipe-embed");
  }

  @Test
  void environmentVariableTurnsTheDemoOff() {
    // ${?PIPEWATCH_DEMO} resolves from the root of the configuration first, then the environment.
    SimulatorSettings settings =
        SimulatorSettings.create(
            ConfigFactory.parseString("PIPEWATCH_DEMO = false")
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve());
    assertThat(settings.demo().enabled()).isFalse();
  }

  @Test
  void readsScheduledFaults() {
    SimulatorSettings settings =
        Sims.settings(
            "faults = [{ kind = memory-leak, stage = parse, at = 2m, duration = 30s, intensity = 0.4 }]");
    assertThat(settings.faults()).hasSize(1);
    assertThat(settings.faults().get(0).at()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.faults().get(0).spec().kind()).isEqualTo(FaultKind.MEMORY_LEAK);
  }

  @Test
  void badValuesNameTheFullKey() {
    assertThatThrownBy(() -> Sims.settings("stages.embed.concurrency = 0"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.simulator.stages.embed.concurrency")
        .hasMessageContaining("from 1 to 64");
    assertThatThrownBy(() -> Sims.settings("stages.parse.ipc-compression = maybe"))
        .hasMessageContaining("pipewatch.simulator.stages.parse.ipc-compression");
    assertThatThrownBy(() -> Sims.settings("inference.model = huge"))
        .hasMessageContaining("pipewatch.simulator.inference.model");
    assertThatThrownBy(() -> Sims.settings("ipc.linger = never"))
        .hasMessageContaining("pipewatch.simulator.ipc.linger");
  }

  @Test
  void badFaultsNameTheEntryAndField() {
    assertThatThrownBy(
            () -> Sims.settings("faults = [{ kind = meltdown, stage = parse, duration = 1m }]"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.simulator.faults[0].kind")
        .hasMessageContaining("unknown kind 'meltdown'");
    assertThatThrownBy(
            () ->
                Sims.settings(
                    "faults = [{ kind = stage-stall, stage = parse, duration = 1m, at = later }]"))
        .hasMessageContaining("pipewatch.simulator.faults[0].at");
    assertThatThrownBy(() -> Sims.settings("demo.script = [\"stage-stall:nowhere\"]"))
        .hasMessageContaining("pipewatch.simulator.demo.script[0]")
        .hasMessageContaining("unknown stage 'nowhere'");
  }
}
