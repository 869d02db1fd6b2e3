package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CollectorSettingsTest {

  @Test
  void defaultsMatchTheArchitecture() {
    CollectorSettings s = CollectorSettings.create(ConfigFactory.load());
    assertThat(s.history().raw().capacity()).isEqualTo(3000);
    assertThat(s.history().mid().capacity()).isEqualTo(3600);
    assertThat(s.history().coarse().capacity()).isEqualTo(1440);
    assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.history().bytesPerSeriesAtFullRetention()).isEqualTo(104_640);
  }

  @Test
  void badValuesNameTheFullKey() {
    assertThatThrownBy(
            () ->
                CollectorSettings.create(
                    ConfigFactory.parseString("pipewatch.collector.history.mid.resolution = 50ms")
                        .withFallback(ConfigFactory.load())))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'pipewatch.collector.history.mid.resolution'");
    assertThatThrownBy(
            () ->
                CollectorSettings.create(
                    ConfigFactory.parseString(
                            "pipewatch.collector.limits.max-series-per-source = many")
                        .withFallback(ConfigFactory.load())))
        .hasMessageContaining("'pipewatch.collector.limits.max-series-per-source'");
    assertThatThrownBy(
            () ->
                CollectorSettings.create(
                    ConfigFactory.parseString("pipewatch.collector.history.raw.retention = 2d")
                        .withFallback(ConfigFactory.load())))
        .hasMessageContaining("'pipewatch.collector.history.raw.retention'");
  }
}
