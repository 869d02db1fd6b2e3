package io.pipewatch.collector.history;

import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.List;

/**
 * The three resolutions a {@link SourceHistory} keeps ({@code pipewatch.collector.history}): raw
 * (one slot per ingested batch, normally 100 ms, for 5 min), mid (1 s for 1 h) and coarse (10 s for
 * 4 h). A tier holds {@code retention / resolution} slots.
 */
public record HistorySettings(Tier raw, Tier mid, Tier coarse) {

  /**
   * Largest number of slots one tier may hold (keeps a typo like 4h at 1ms from eating the heap).
   */
  public static final int MAX_SLOTS = 1_000_000;

  /** One resolution: how far apart points are and how long they are kept. */
  public record Tier(Duration resolution, Duration retention) {
    public int capacity() {
      return (int) (retention.toMillis() / resolution.toMillis());
    }

    public long resolutionMillis() {
      return resolution.toMillis();
    }
  }

  public HistorySettings {
    if (!(raw.resolution().compareTo(mid.resolution()) < 0
        && mid.resolution().compareTo(coarse.resolution()) < 0)) {
      throw new IllegalArgumentException("resolutions must grow: raw < mid < coarse");
    }
  }

  /**
   * Reads {@code history { raw {...}, mid {...}, coarse {...} }} from a collector section reader.
   */
  public static HistorySettings create(SettingsReader collector) {
    SettingsReader in = collector.section("history");
    Tier raw = tier(in, "raw");
    Tier mid = tier(in, "mid");
    Tier coarse = tier(in, "coarse");
    if (mid.resolution().compareTo(raw.resolution()) <= 0) {
      throw new InvalidSettingException(
          in.key("mid.resolution"), "a duration longer than raw.resolution", mid.resolution());
    }
    if (coarse.resolution().compareTo(mid.resolution()) <= 0) {
      throw new InvalidSettingException(
          in.key("coarse.resolution"),
          "a duration longer than mid.resolution",
          coarse.resolution());
    }
    return new HistorySettings(raw, mid, coarse);
  }

  /** Defaults: 100 ms for 5 min, 1 s for 1 h, 10 s for 4 h. */
  public static HistorySettings defaults() {
    return new HistorySettings(
        new Tier(Duration.ofMillis(100), Duration.ofMinutes(5)),
        new Tier(Duration.ofSeconds(1), Duration.ofHours(1)),
        new Tier(Duration.ofSeconds(10), Duration.ofHours(4)));
  }

  public List<Tier> tiers() {
    return List.of(raw, mid, coarse);
  }

  /**
   * Heap one series takes once every tier is full: 8 bytes per raw slot (a double), 16 per
   * downsampled slot (double mean, float min, float max). Timestamps are shared by all series of a
   * source and not counted here.
   */
  public long bytesPerSeriesAtFullRetention() {
    return 8L * raw.capacity() + 16L * mid.capacity() + 16L * coarse.capacity();
  }

  private static Tier tier(SettingsReader in, String name) {
    SettingsReader t = in.section(name);
    Duration resolution = t.positiveDuration("resolution");
    Duration retention = t.positiveDuration("retention");
    if (resolution.toMillis() < 1) {
      throw new InvalidSettingException(t.key("resolution"), "at least 1ms", resolution);
    }
    long slots = retention.toMillis() / resolution.toMillis();
    if (slots < 1 || slots > MAX_SLOTS) {
      throw new InvalidSettingException(
          t.key("retention"),
          "a duration holding 1 to " + MAX_SLOTS + " slots of " + resolution,
          retention);
    }
    return new Tier(resolution, retention);
  }
}
