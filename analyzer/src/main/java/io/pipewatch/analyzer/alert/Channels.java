package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertSettings.ChannelSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Builds the configured channels, one {@link AlertChannel} per entry of {@code
 * pipewatch.alerts.channels} by its type. A new kind of channel is one more class and one more case
 * here.
 */
public final class Channels {
  private Channels() {}

  /** The channels of {@code settings}, by name. */
  public static Map<String, AlertChannel> create(AlertSettings settings, ActorSystem<?> system) {
    Map<String, AlertChannel> out = new LinkedHashMap<>();
    for (ChannelSettings c : settings.channels()) {
      out.put(
          c.name(),
          switch (c.type()) {
            case LOG -> new LogChannel(c.name());
            case WEBHOOK -> new WebhookChannel(c, settings.externalUrl());
            case EMAIL -> new EmailChannel(c);
            case DASHBOARD -> new DashboardChannel(c.name(), AlertTopic.get(system));
            case ALERTMANAGER -> new AlertmanagerChannel(c, settings.externalUrl());
          });
    }
    return out;
  }
}
