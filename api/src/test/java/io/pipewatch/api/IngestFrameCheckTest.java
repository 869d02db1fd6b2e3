package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

class IngestFrameCheckTest {

  private static Config with(String hocon) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theDefaultsLetAMaximumBatchCrossNodes() {
    Config config = with("");
    long frame = config.getBytes(IngestFrameCheck.FRAME_KEY);
    long needed = IngestFrameCheck.neededFrameBytes(IngestSettings.create(config));
    assertThat(needed).isLessThanOrEqualTo(frame);
    // the bound is real: a maximum batch is larger than Artery's own default of 256 KiB
    assertThat(needed).isGreaterThan(256 * 1024);
  }

  @Test
  void aFrameTooSmallForAMaximumBatchStopsStartUpWithOneLineNamingTheKey() {
    assertThatThrownBy(
            () ->
                ServerSettings.create(
                    with("pekko.remote.artery.advanced.maximum-frame-size = 256KiB")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'pekko.remote.artery.advanced.maximum-frame-size'")
        .hasMessageContaining("max-body-bytes = 1048576")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void smallerIngestLimitsFitASmallerFrame() {
    ServerSettings settings =
        ServerSettings.create(
            with(
                """
                pekko.remote.artery.advanced.maximum-frame-size = 256KiB
                pipewatch.collector.ingest.max-body-bytes = 65536
                pipewatch.collector.ingest.max-samples = 500
                """));
    assertThat(settings.ingest().maxSamples()).isEqualTo(500);
  }
}
