package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Alerting settings: the defaults, the channels the environment adds, one-line errors. */
class AlertSettingsTest {

  private static AlertSettings read(String text) {
    return AlertSettings.create(
        ConfigFactory.parseString(text).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void defaultsAreTheIssuesDefaults() {
    AlertSettings s = read("");
    assertThat(s.cooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.lease()).isEqualTo(Duration.ofSeconds(25));
    assertThat(s.demoSources()).isEmpty();
    assertThat(s.channels())
        .filteredOn(AlertSettings.ChannelSettings::demo)
        .extracting(AlertSettings.ChannelSettings::name)
        .containsExactlyInAnyOrder("dashboard", "log");
    // without a webhook URL or an SMTP host only log and dashboard run
    assertThat(s.channels())
        .extracting(AlertSettings.ChannelSettings::name)
        .containsExactly("dashboard", "log");
    AlertSettings.ChannelSettings log = s.channels().get(1);
    assertThat(log.rateLimit()).isEqualTo(10);
    assertThat(log.rateWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(log.immediateSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(s.inhibitRules())
        .extracting(AlertSettings.InhibitRule::name)
        .contains("cascade-explains-stages");
  }

  @Test
  void aWebhookUrlAndAnSmtpHostAddTheirChannels() {
    AlertSettings s =
        read(
            "pipewatch.alerts.channels.webhook.url = \"http://hooks.local:9000/x\"\n"
                + "pipewatch.alerts.channels.email { host = mail.local, port = \"2525\", to = \"a@x.io, b@x.io\" }");
    assertThat(s.channels())
        .extracting(AlertSettings.ChannelSettings::name)
        .containsExactly("dashboard", "email", "log", "webhook");
    AlertSettings.ChannelSettings email = s.channels().get(1);
    assertThat(email.email().port()).isEqualTo(2525);
    assertThat(email.email().to()).containsExactly("a@x.io", "b@x.io");
    assertThat(s.channels().get(3).webhook().format())
        .isEqualTo(AlertSettings.WebhookFormat.PIPEWATCH);
  }

  @Test
  void alertmanagerUrlsAddTheAlertmanagerChannel() {
    AlertSettings s =
        read(
            "pipewatch.alerts.channels.alertmanager.urls = \"http://am-1:9093, http://am-2:9093/\"");
    assertThat(s.channels())
        .extracting(AlertSettings.ChannelSettings::name)
        .containsExactly("alertmanager", "dashboard", "log");
    AlertSettings.ChannelSettings am = s.channels().get(0);
    assertThat(am.type()).isEqualTo(AlertSettings.ChannelType.ALERTMANAGER);
    assertThat(am.alertmanager().urls())
        .extracting(java.net.URI::toString)
        .containsExactly("http://am-1:9093", "http://am-2:9093/");
    assertThat(am.alertmanager().resendInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(am.groupWait()).isEqualTo(Duration.ZERO);
    // alerts that came from Alertmanager are not pushed back
    assertThat(am.route()).containsExactly(Matcher.parse("origin!=alertmanager"));
    assertThat(AlertmanagerChannel.endpoint(am.alertmanager().urls().get(1)).toString())
        .isEqualTo("http://am-2:9093/api/v2/alerts");
    assertThat(AlertmanagerChannel.labelName("failing-channel")).isEqualTo("failing_channel");
    assertThat(AlertmanagerChannel.labelName("9x")).isEqualTo("_9x");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pipewatch.alerts.cooldown = soon|pipewatch.alerts.cooldown",
        "pipewatch.alerts.channels.webhook.url = \"ftp://x\"|pipewatch.alerts.channels.webhook.url",
        "pipewatch.alerts.channels.webhook { url = \"http://x\", format = xml }|pipewatch.alerts.channels.webhook.format",
        "pipewatch.alerts.channels.log.min-severity = loud|pipewatch.alerts.channels.log.min-severity",
        "pipewatch.alerts.channels.log.rate-limit = 0|pipewatch.alerts.channels.log.rate-limit",
        "pipewatch.alerts.channels.log.route = [\"source\"]|pipewatch.alerts.channels.log.route",
        "pipewatch.alerts.channels.log.group-wait = -1s|pipewatch.alerts.channels.log.group-wait",
        "pipewatch.alerts.channels.pager.type = pigeon|pipewatch.alerts.channels.pager.type",
        "pipewatch.alerts.channels.email { host = m, to = nobody }|pipewatch.alerts.channels.email.to",
        "pipewatch.alerts.channels.webhook.enabled = true|pipewatch.alerts.channels.webhook.url",
        "pipewatch.alerts.channels.alertmanager.urls = \"http://a:9093, ftp://b\"|pipewatch.alerts.channels.alertmanager.urls",
        "pipewatch.alerts.channels.alertmanager.enabled = true|pipewatch.alerts.channels.alertmanager.urls",
        "pipewatch.alerts.channels.alertmanager { urls = \"http://a:9093\", resend-interval = 0s }|pipewatch.alerts.channels.alertmanager.resend-interval",
      })
  void aBadValueNamesItsKeyOnOneLine(String setting, String key) {
    assertThatThrownBy(() -> read(setting))
        .isInstanceOf(InvalidSettingException.class)
        .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo(key))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
