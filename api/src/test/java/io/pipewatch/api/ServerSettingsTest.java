package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerSettingsTest {

  private static Config with(String hocon) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void defaultsAreValid() {
    ServerSettings settings = ServerSettings.create(with(""));
    assertThat(settings.api().httpPort()).isEqualTo(8080);
    assertThat(settings.api().maxRequestBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.api().fanOutTimeout()).isEqualTo(java.time.Duration.ofSeconds(1));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pipewatch.api.http.port            | abc    | a whole number from 0 to 65535",
        "pipewatch.api.http.port            | 70000  | a whole number from 0 to 65535",
        "pipewatch.api.ask-timeout          | 0s     | a positive duration",
        "pipewatch.api.health-timeout       | soon   | a positive duration",
        "pipewatch.api.fan-out-timeout      | -1s    | a positive duration",
        "pipewatch.api.http.max-request-body| lots   | a size",
        "pipewatch.api.http.interface       | '\"\"' | a non-empty string",
      })
  void aBadValueNamesItsKeyAndTheExpectedForm(String key, String value, String expected) {
    assertThatThrownBy(() -> ServerSettings.create(with(key + " = " + value)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** Low finding: an SMTP login is never sent where STARTTLS is only optional. */
  @Test
  void anEmailChannelWithALoginNeedsStartTlsRequired() {
    String channel =
        """
        pipewatch.alerts.channels.mail {
          type = email, host = "smtp.example.com", to = "ops@example.com",
          username = "pipewatch", password = "pw", starttls = %s
        }
        """;

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServerSettings.create(with(channel.formatted("optional"))))
        .isInstanceOf(io.pipewatch.collector.settings.InvalidSettingException.class)
        .hasMessageContaining("pipewatch.alerts.channels.mail.starttls");
    ServerSettings.create(with(channel.formatted("required")));
  }
}
