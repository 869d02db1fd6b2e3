package io.pipewatch.collector.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {
  enum Color {
    DEEP_BLUE,
    RED
  }

  private static SettingsReader reader(String hocon) {
    return SettingsReader.of(ConfigFactory.parseString("a.b { " + hocon + " }"), "a.b");
  }

  @Test
  void readsValidValues() {
    SettingsReader in = reader("port = 9090, every = 100ms, color = deep-blue, ratio = 0.5");
    assertThat(in.port("port")).isEqualTo(9090);
    assertThat(in.positiveDuration("every")).isEqualTo(Duration.ofMillis(100));
    assertThat(in.enumValue("color", Color.class)).isEqualTo(Color.DEEP_BLUE);
    assertThat(in.doubleInRange("ratio", 0, 1)).isEqualTo(0.5);
  }

  @Test
  void anUnknownEnumNamesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> reader("color = green").enumValue("color", Color.class))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("Invalid setting 'a.b.color': expected one of deep-blue, red, got 'green'");
  }

  @Test
  void aZeroIntervalIsRefused() {
    assertThatThrownBy(() -> reader("every = 0ms").positiveDuration("every"))
        .hasMessageContaining("'a.b.every'")
        .hasMessageContaining("positive duration");
  }

  @Test
  void aMissingKeyIsNamedInFull() {
    assertThatThrownBy(() -> reader("").section("nested").port("port"))
        .hasMessageContaining("'a.b.nested'");
  }

  @Test
  void aNonNumberPortIsRefused() {
    assertThatThrownBy(() -> reader("port = abc").port("port"))
        .hasMessage(
            "Invalid setting 'a.b.port': expected a whole number from 0 to 65535, got 'abc'");
  }

  @Test
  void aNaNRatioIsRefused() {
    assertThatThrownBy(() -> reader("ratio = NaN").doubleInRange("ratio", 0, 1))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'a.b.ratio'");
  }
}
