package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectorSettingsTest {

  @Test
  void referenceDefaultsLoad() {
    DetectorSettings s = DetectorSettings.create(ConfigFactory.load());
    assertThat(s.robustWindow()).isEqualTo(200);
    assertThat(s.warmUpSamples()).isEqualTo(s.robustWindow());
    assertThat(s.seasonalWindow()).isEqualTo(s.robustWindow());
    assertThat(s.onsetHalfLifeSamples()).isEqualTo(s.robustWindow());
    assertThat(s.ewmaAlpha()).isBetween(0.0, 1.0);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ewma.alpha = 0 | ewma.alpha",
        "ewma.alpha = 1.5 | ewma.alpha",
        "robust.window = 4 | robust.window",
        "cusum.clip = 0.2 | cusum.clip",
        "cusum.threshold = banana | cusum.threshold",
        "trend.beta = 0 | trend.beta",
        "seasonal.max-period-samples = -1 | seasonal.max-period-samples",
        "score.short-windows = [0] | score.short-windows",
        "score.short-windows = [] | score.short-windows",
        "score.onset-margin = 0.5 | score.onset-margin"
      })
  void badValueNamesTheFullKey(String override, String key) {
    var config =
        ConfigFactory.parseString("pipewatch.analyzer.detectors." + override)
            .withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> DetectorSettings.create(config))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'pipewatch.analyzer.detectors." + key + "'")
        .satisfies(
            e ->
                assertThat(((InvalidSettingException) e).key())
                    .isEqualTo("pipewatch.analyzer.detectors." + key));
  }
}
