package io.pipewatch.analyzer.alert;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated settings of alerting, read once from {@code pipewatch.alerts} (defaults and the
 * meaning of every key in the analyzer's {@code pipewatch-alerts.conf}, included by its {@code
 * reference.conf}). A bad value fails with an {@link InvalidSettingException} naming the full key.
 *
 * <pre>{@code
 * AlertSettings settings = AlertSettings.create(system.settings().config());
 * }</pre>
 */
public record AlertSettings(
    boolean enabled,
    Duration cooldown,
    Duration tickInterval,
    int maxAlerts,
    int maxActiveIncoming,
    Duration keepResolved,
    Duration recoveryTimeout,
    Duration journalAckTimeout,
    int snapshotEvery,
    List<ChannelSettings> channels,
    List<InhibitRule> inhibitRules,
    SystemAlerts system,
    String externalUrl,
    Duration lease,
    Duration leaseCheckInterval,
    Set<String> demoSources) {

  /** The config section these settings are read from. */
  public static final String SECTION = "pipewatch.alerts";

  public AlertSettings {
    channels = List.copyOf(channels);
    inhibitRules = List.copyOf(inhibitRules);
    demoSources = Set.copyOf(demoSources);
  }

  /**
   * These settings with {@code sources} added to the demo's: their alerts carry the label {@code
   * demo=true} and reach only the channels with {@code demo = true} (the dashboard and the log by
   * default).
   */
  public AlertSettings withDemoSources(Set<String> sources) {
    Set<String> all = new java.util.HashSet<>(demoSources);
    all.addAll(sources);
    return new AlertSettings(
        enabled,
        cooldown,
        tickInterval,
        maxAlerts,
        maxActiveIncoming,
        keepResolved,
        recoveryTimeout,
        journalAckTimeout,
        snapshotEvery,
        channels,
        inhibitRules,
        system,
        externalUrl,
        lease,
        leaseCheckInterval,
        all);
  }

  /** The kinds of channel there are; each is one class implementing {@link AlertChannel}. */
  public enum ChannelType {
    LOG,
    WEBHOOK,
    EMAIL,
    DASHBOARD,
    ALERTMANAGER
  }

  /** Payload format of a webhook: Pipewatch's own JSON, or Alertmanager's webhook (version 4). */
  public enum WebhookFormat {
    PIPEWATCH,
    ALERTMANAGER
  }

  /** How an email channel secures its SMTP connection. */
  public enum StartTls {
    OFF,
    OPTIONAL,
    REQUIRED
  }

  /**
   * One channel: its name and type; which alerts it takes (at least {@code minSeverity}, labels
   * matching every {@code route} matcher); at most {@code rateLimit} notifications per {@code
   * rateWindow} (the rest summarised in one notification at the window's end); alerts below {@code
   * immediateSeverity} wait {@code groupWait} to be sent together with others of their group
   * ({@code groupBy} labels), a group sending again at most every {@code groupInterval}; whether it
   * takes the demo pipeline's alerts ({@code demo}); how it retries; and its type's own settings
   * (null for other types).
   */
  public record ChannelSettings(
      String name,
      ChannelType type,
      Severity minSeverity,
      List<Matcher> route,
      int rateLimit,
      Duration rateWindow,
      Duration groupWait,
      Duration groupInterval,
      List<String> groupBy,
      Severity immediateSeverity,
      boolean demo,
      RetrySettings retry,
      WebhookSettings webhook,
      EmailSettings email,
      AlertmanagerSettings alertmanager) {
    public ChannelSettings {
      route = List.copyOf(route);
      groupBy = List.copyOf(groupBy);
    }
  }

  /**
   * Delivery retries: exponential backoff from {@code initialBackoff} by {@code multiplier} up to
   * {@code maxBackoff}, each delay randomised by +-{@code jitter}; a {@code Retry-After} of a 429
   * or 503 answer is honoured up to {@code maxBackoff}; after {@code giveUpAfter} a notification is
   * failed for good. {@code timeout} bounds one attempt; {@code maxInFlight} attempts run at once
   * per channel.
   */
  public record RetrySettings(
      Duration initialBackoff,
      Duration maxBackoff,
      double multiplier,
      double jitter,
      Duration giveUpAfter,
      Duration timeout,
      int maxInFlight) {}

  /** Where a webhook posts, in which format, with which extra headers ("Name: value"). */
  public record WebhookSettings(URI url, WebhookFormat format, List<String> headers) {
    public WebhookSettings {
      headers = List.copyOf(headers);
    }
  }

  /**
   * The Alertmanager instances an alertmanager channel pushes to (every one of them: an HA pair
   * gets each alert twice and deduplicates it) and how often firing alerts are sent again so that
   * Alertmanager does not expire them.
   */
  public record AlertmanagerSettings(List<URI> urls, Duration resendInterval) {
    public AlertmanagerSettings {
      urls = List.copyOf(urls);
    }
  }

  /** SMTP server, security, sender and recipients of an email channel. */
  public record EmailSettings(
      String host,
      int port,
      StartTls startTls,
      boolean ssl,
      String username,
      String password,
      String from,
      List<String> to,
      boolean html) {
    public EmailSettings {
      to = List.copyOf(to);
    }

    @Override
    public String toString() {
      return "EmailSettings[" + host + ":" + port + " to " + to + "]";
    }
  }

  /**
   * While an alert matching {@code source} is active, alerts matching {@code target} with the same
   * values of the {@code equal} labels are not notified; with {@code withinSources}, only targets
   * whose {@code source} label is one of the sources the source alert spans (a cascading failure
   * explains its stages' bottlenecks).
   */
  public record InhibitRule(
      String name,
      List<Matcher> source,
      List<Matcher> target,
      List<String> equal,
      boolean withinSources) {
    public InhibitRule {
      source = List.copyOf(source);
      target = List.copyOf(target);
      equal = List.copyOf(equal);
    }
  }

  /** Which alerts about Pipewatch itself are raised, and their severity. */
  public record SystemAlerts(
      boolean staleSource,
      boolean journalDown,
      boolean ingestRefusing,
      boolean channelFailing,
      Severity severity) {}

  /** Reads and validates {@code pipewatch.alerts} of {@code config}. */
  public static AlertSettings create(Config config) {
    SettingsReader in = SettingsReader.of(config, SECTION);
    Config defaults = in.section("channel-defaults").config();
    List<ChannelSettings> channels = new ArrayList<>();
    SettingsReader channelsIn = in.section("channels");
    for (String name : new TreeSet<>(channelsIn.config().root().keySet())) {
      ChannelSettings channel = channel(config, name, defaults);
      if (channel != null) {
        channels.add(channel);
      }
    }
    List<InhibitRule> inhibit = new ArrayList<>();
    SettingsReader inhibitIn = in.section("inhibit");
    for (String name : new TreeSet<>(inhibitIn.config().root().keySet())) {
      SettingsReader r = inhibitIn.section(name);
      if (r.has("enabled") && !r.bool("enabled")) {
        continue;
      }
      inhibit.add(
          new InhibitRule(
              name,
              matchers(r, "source"),
              matchers(r, "target"),
              r.stringList("equal"),
              r.bool("within-sources")));
    }
    SettingsReader sys = in.section("system");
    return new AlertSettings(
        in.bool("enabled"),
        in.positiveDuration("cooldown"),
        in.positiveDuration("tick-interval"),
        in.positiveInt("retention.max-alerts"),
        in.positiveInt("retention.max-active-incoming"),
        in.positiveDuration("retention.keep-resolved"),
        in.positiveDuration("journal.recovery-timeout"),
        in.positiveDuration("journal.ack-timeout"),
        in.positiveInt("journal.snapshot-every"),
        channels,
        inhibit,
        new SystemAlerts(
            sys.bool("stale-source"),
            sys.bool("journal-down"),
            sys.bool("ingest-refusing"),
            sys.bool("channel-failing"),
            sys.enumValue("severity", Severity.class)),
        in.string("external-url"),
        in.positiveDuration("lease.duration"),
        in.positiveDuration("lease.check-interval"),
        Set.copyOf(in.stringList("demo-sources")));
  }

  /** The channel named {@code name}, or null when it is switched off or left unconfigured. */
  private static ChannelSettings channel(Config root, String name, Config defaults) {
    String path = ConfigUtil.joinPath("pipewatch", "alerts", "channels", name);
    Config own;
    try {
      own = root.getConfig(path);
    } catch (ConfigException e) {
      throw new InvalidSettingException(path, "a section { type = ..., ... }", null);
    }
    SettingsReader in = SettingsReader.of(own.withFallback(defaults).atPath(path), path);
    String enabled = in.has("enabled") ? in.string("enabled").trim() : "auto";
    if (enabled.equals("false")) {
      return null;
    }
    ChannelType type = in.enumValue("type", ChannelType.class);
    WebhookSettings webhook = null;
    EmailSettings email = null;
    AlertmanagerSettings alertmanager = null;
    if (type == ChannelType.ALERTMANAGER) {
      List<String> urls =
          List.of(in.string("urls").split(",")).stream()
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .toList();
      if (urls.isEmpty()) {
        if (enabled.equals("true")) {
          throw new InvalidSettingException(
              in.key("urls"), "one or more http:// URLs, comma-separated", "");
        }
        return null;
      }
      List<URI> uris = new ArrayList<>();
      for (String u : urls) {
        uris.add(url(in, "urls", u));
      }
      alertmanager = new AlertmanagerSettings(uris, in.positiveDuration("resend-interval"));
    } else if (type == ChannelType.WEBHOOK) {
      String url = in.string("url").trim();
      if (url.isEmpty()) {
        if (enabled.equals("true")) {
          throw new InvalidSettingException(in.key("url"), "an http:// or https:// URL", url);
        }
        return null;
      }
      webhook =
          new WebhookSettings(
              url(in, "url", url),
              in.enumValue("format", WebhookFormat.class),
              in.stringList("headers"));
    } else if (type == ChannelType.EMAIL) {
      String host = in.string("host").trim();
      List<String> to =
          List.of(in.string("to").split(",")).stream()
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .toList();
      if (host.isEmpty() || to.isEmpty()) {
        if (enabled.equals("true")) {
          throw new InvalidSettingException(
              in.key(host.isEmpty() ? "host" : "to"),
              host.isEmpty() ? "an SMTP host name" : "one or more addresses, comma-separated",
              "");
        }
        return null;
      }
      for (String address : to) {
        if (!address.matches("[^@\\s]+@[^@\\s]+")) {
          throw new InvalidSettingException(
              in.key("to"), "addresses like ops@example.com", address);
        }
      }
      email =
          new EmailSettings(
              host,
              in.intInRange("port", 1, 65535),
              in.enumValue("starttls", StartTls.class),
              in.bool("ssl"),
              in.string("username"),
              in.string("password"),
              in.nonBlankString("from"),
              to,
              in.bool("html"));
    } else if (!enabled.equals("auto") && !enabled.equals("true")) {
      throw new InvalidSettingException(in.key("enabled"), "true, false or auto", enabled);
    }
    SettingsReader retry = in.section("retry");
    RetrySettings retrySettings =
        new RetrySettings(
            retry.positiveDuration("initial-backoff"),
            retry.positiveDuration("max-backoff"),
            retry.doubleInRange("multiplier", 1, 10),
            retry.doubleInRange("jitter", 0, 1),
            retry.positiveDuration("give-up-after"),
            retry.positiveDuration("timeout"),
            retry.intInRange("max-in-flight", 1, 1024));
    return new ChannelSettings(
        name,
        type,
        in.enumValue("min-severity", Severity.class),
        matchers(in, "route"),
        in.intInRange("rate-limit", 1, 1_000_000),
        in.positiveDuration("rate-window"),
        nonNegative(in, "group-wait"),
        in.positiveDuration("group-interval"),
        in.stringList("group-by"),
        in.enumValue("immediate-severity", Severity.class),
        in.bool("demo"),
        retrySettings,
        webhook,
        email,
        alertmanager);
  }

  private static URI url(SettingsReader in, String key, String text) {
    try {
      URI uri = new URI(text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new InvalidSettingException(in.key(key), "an http:// or https:// URL", text);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidSettingException(in.key(key), "an http:// or https:// URL", text);
    }
  }

  private static List<Matcher> matchers(SettingsReader in, String path) {
    List<Matcher> out = new ArrayList<>();
    for (String text : in.stringList(path)) {
      try {
        out.add(Matcher.parse(text));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(
            in.key(path), "matchers like source=~\"docpipe.*\"", text);
      }
    }
    return out;
  }

  private static Duration nonNegative(SettingsReader in, String path) {
    Config c = in.config();
    if (!c.hasPath(path)) {
      throw new InvalidSettingException(in.key(path), "a value (none is set)", null);
    }
    try {
      if (c.getValue(path).valueType() == ConfigValueType.NUMBER && c.getLong(path) == 0) {
        return Duration.ZERO;
      }
      Duration d = c.getDuration(path);
      if (d.isNegative()) {
        throw new InvalidSettingException(in.key(path), "a duration such as 0s, 2s or 1m", d);
      }
      return d;
    } catch (ConfigException e) {
      throw new InvalidSettingException(
          in.key(path), "a duration such as 0s, 2s or 1m", c.getValue(path).unwrapped());
    }
  }
}
