package io.pipewatch.collector.scrape;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the Prometheus {@link Scraper} ({@code pipewatch.collector.scrape}).
 *
 * @param targets what to scrape; may be empty (then no scraper needs to run)
 * @param timeout the longest a scrape may take, from request to last byte
 * @param connectTimeout the longest to wait for a TCP connection
 * @param maxBodyBytes a larger response is abandoned and the target reported down
 */
public record ScrapeSettings(
    List<Target> targets, Duration timeout, Duration connectTimeout, int maxBodyBytes) {

  public ScrapeSettings {
    targets = List.copyOf(targets);
  }

  /**
   * One scrape target.
   *
   * @param url the exposition endpoint, http or https
   * @param source the source id its samples are filed under
   * @param interval time between two scrapes
   */
  public record Target(URI url, String source, Duration interval) {}

  /** Reads {@code pipewatch.collector.scrape} of {@code root}. */
  public static ScrapeSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.collector.scrape");
    Duration defaultInterval = in.positiveDuration("interval");
    Duration timeout = in.positiveDuration("timeout");
    Duration connectTimeout = in.positiveDuration("connect-timeout");
    int maxBodyBytes = in.intInRange("max-body-bytes", 1024, 512 * 1024 * 1024);
    String listKey = in.key("targets");
    List<? extends Config> items;
    try {
      items = in.config().getConfigList("targets");
    } catch (ConfigException.Missing e) {
      items = List.of();
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(
          listKey,
          "a list of { url = \"http://...\", source = \"...\", interval = 10s }",
          in.config().getValue("targets").unwrapped());
    }
    List<Target> targets = new ArrayList<>();
    Set<String> sources = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Config item = items.get(i);
      String key = listKey + "[" + i + "]";
      URI url = url(item, key + ".url");
      String source = string(item, "source", key + ".source");
      if (source.isBlank() || !source.strip().equals(source)) {
        throw new InvalidSettingException(key + ".source", "a non-blank source id", source);
      }
      if (!sources.add(source)) {
        throw new InvalidSettingException(
            key + ".source", "a source id no other target uses", source);
      }
      Duration interval = defaultInterval;
      if (item.hasPath("interval")) {
        try {
          interval = item.getDuration("interval");
        } catch (ConfigException e) {
          interval = Duration.ZERO;
        }
        if (interval.isZero() || interval.isNegative()) {
          throw new InvalidSettingException(
              key + ".interval",
              "a positive duration such as 15s",
              item.getValue("interval").unwrapped());
        }
      }
      targets.add(new Target(url, source, interval));
    }
    return new ScrapeSettings(targets, timeout, connectTimeout, maxBodyBytes);
  }

  private static String string(Config item, String path, String key) {
    if (!item.hasPath(path)) {
      throw new InvalidSettingException(key, "a value (none is set)", null);
    }
    try {
      return item.getString(path);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(key, "a string", item.getValue(path).unwrapped());
    }
  }

  private static URI url(Config item, String key) {
    String text = string(item, "url", key);
    try {
      URI url = new URI(text);
      if (("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
          && url.getHost() != null) {
        return url;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new InvalidSettingException(key, "an http:// or https:// URL with a host", text);
  }
}
