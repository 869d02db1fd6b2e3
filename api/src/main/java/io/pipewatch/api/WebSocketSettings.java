package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.List;

/**
 * The live feed's settings, read once from {@code pipewatch.api.websocket} and validated: a bad
 * value stops start-up with one line naming the key.
 *
 * @param defaultInterval DashboardUpdate interval of a client that does not ask for one
 * @param refreshInterval how often the hub reads the collectors' latest values
 * @param tickInterval how often the hub looks for due updates and stuck clients
 * @param replayBuffer events kept for {@code resumeFrom}
 * @param clientBuffer messages queued per client (and events waiting behind them)
 * @param stuckTimeout how long a client's queue may stand still before it is closed
 * @param figures which series feed each DashboardUpdate figure
 */
public record WebSocketSettings(
    Duration defaultInterval,
    Duration refreshInterval,
    Duration tickInterval,
    int replayBuffer,
    int clientBuffer,
    Duration stuckTimeout,
    DashboardFigures.Series figures) {

  /** Shortest DashboardUpdate interval a client may ask for. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  /** Longest DashboardUpdate interval a client may ask for. */
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(5);

  public static WebSocketSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.api.websocket");
    Duration interval = in.positiveDuration("default-interval");
    if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      throw new InvalidSettingException(
          in.key("default-interval"), "a duration from 100ms to 5s", interval.toMillis() + "ms");
    }
    SettingsReader figures = in.section("figures");
    return new WebSocketSettings(
        interval,
        in.positiveDuration("refresh-interval"),
        in.positiveDuration("tick-interval"),
        in.intInRange("replay-buffer", 1, 1_000_000),
        in.intInRange("client-buffer", 1, 100_000),
        in.positiveDuration("stuck-timeout"),
        new DashboardFigures.Series(
            names(figures, "throughput"),
            names(figures, "latency-p50"),
            names(figures, "latency-p99"),
            names(figures, "queue-depth"),
            names(figures, "cpu"),
            names(figures, "memory")));
  }

  private static List<String> names(SettingsReader in, String path) {
    return List.copyOf(in.stringList(path));
  }
}
