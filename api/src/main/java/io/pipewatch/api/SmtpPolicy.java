package io.pipewatch.api;

import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.collector.settings.InvalidSettingException;

/**
 * An email channel that logs in to its SMTP server must never send the login in clear: with a
 * {@code username}, {@code starttls = required} or {@code ssl = true} (SMTPS) is required, and
 * start-up stops naming the channel's {@code starttls} otherwise ({@code optional} would fall back
 * to plain text when a man in the middle strips the server's STARTTLS offer).
 */
final class SmtpPolicy {
  private SmtpPolicy() {}

  /** Throws naming the first email channel that would send its login unencrypted. */
  static void check(AlertSettings alerts) {
    for (AlertSettings.ChannelSettings channel : alerts.channels()) {
      AlertSettings.EmailSettings email = channel.email();
      if (email == null || email.username() == null || email.username().isBlank()) {
        continue;
      }
      if (!email.ssl() && email.startTls() != AlertSettings.StartTls.REQUIRED) {
        throw new InvalidSettingException(
            "pipewatch.alerts.channels." + channel.name() + ".starttls",
            "required (or ssl = true) when the channel logs in with a username",
            email.startTls().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
  }
}
