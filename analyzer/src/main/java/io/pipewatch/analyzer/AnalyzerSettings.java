package io.pipewatch.analyzer;

import com.typesafe.config.Config;
import io.pipewatch.analyzer.detect.DetectorSettings;
import io.pipewatch.collector.semantics.SemanticsSettings;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed, validated settings of the analyzer, read once from {@code pipewatch.analyzer} (defaults
 * and the meaning of every key in the analyzer's {@code reference.conf}): the per-series detectors,
 * the series-to-dimension table, threshold, baseline-regression and forecast rules, the lifecycle
 * (hysteresis) and the fleet patterns. A bad value — an unknown dimension, a critical level on the
 * wrong side of the warning level, a pattern that does not compile — fails with an {@link
 * InvalidSettingException} naming the full key, so start-up stops with that line.
 *
 * <pre>{@code
 * AnalyzerSettings settings = AnalyzerSettings.create(system.settings().config());
 * Behavior<SourceSnapshot> analyzer = BottleneckAnalyzer.create("ocr", settings, outputs);
 * }</pre>
 */
public record AnalyzerSettings(
    DetectorSettings detectors,
    int maxDetectorsPerSource,
    List<DimensionMapping> dimensions,
    List<Rule> rules,
    Duration errorRatioSmoothing,
    Duration baselineHalfLife,
    Duration warmUp,
    double hysteresis,
    Duration clearFor,
    Duration impactSmoothing,
    Duration updateInterval,
    double updateStep,
    int maxEvidence,
    FleetSettings fleet,
    int boardRecentPatterns,
    SemanticsSettings semantics) {

  /** The config section these settings are read from. */
  public static final String SECTION = "pipewatch.analyzer";

  public AnalyzerSettings {
    dimensions = List.copyOf(dimensions);
    rules = List.copyOf(rules);
  }

  /** The threshold rules, in configuration order. */
  public List<ThresholdRule> thresholds() {
    return only(ThresholdRule.class);
  }

  /** The baseline regression rules, in configuration order. */
  public List<RegressionRule> regressions() {
    return only(RegressionRule.class);
  }

  /** The growth rules, in configuration order. */
  public List<GrowthRule> growths() {
    return only(GrowthRule.class);
  }

  /** The forecast rules, in configuration order. */
  public List<ForecastRule> forecasts() {
    return only(ForecastRule.class);
  }

  private <R extends Rule> List<R> only(Class<R> type) {
    List<R> out = new ArrayList<>();
    for (Rule r : rules) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }

  /**
   * One row of the dimension table: series whose name matches {@code series} (a Java regular
   * expression over the whole series name, e.g. {@code job_duration_seconds_p99}) feed {@code
   * dimension}. With {@code divideBy} the value is divided by the series of that name with the same
   * labels (used/capacity pairs). {@code scale} multiplies the value; NaN means automatic: 1e-9 for
   * timer series other than {@code _rate} (timers carry nanoseconds), else 1. Series whose id
   * ({@code name{labels}}) matches {@code exclude} (null: none) are left out.
   */
  public record DimensionMapping(
      String name,
      Pattern series,
      Pattern exclude,
      Dimension dimension,
      String divideBy,
      double scale) {}

  /**
   * A threshold rule: the dimension's value beyond {@code warning} (above it if {@code above}, else
   * below) for {@code forDuration} opens a bottleneck of {@code kind}; beyond {@code critical}
   * (NaN: none) it is critical. {@code minEvents} (error ratio only): errors expected in the
   * smoothing window below which the ratio is not trusted. {@code smoothing}: the value judged is
   * an exponential moving average of the dimension with this time constant ({@link Duration#ZERO}:
   * the raw value), so a signal that is noisy at 100 ms — a disk busy ratio, a stall-time rate — is
   * judged on its level, not on each sample.
   */
  public record ThresholdRule(
      String name,
      Dimension dimension,
      boolean above,
      double warning,
      double critical,
      Duration forDuration,
      BottleneckKind kind,
      double minEvents,
      Duration smoothing)
      implements Rule {}

  /**
   * A baseline regression rule: the dimension's value smoothed over {@code smoothing} compared with
   * its baseline (a slow average, frozen while the rule is violated); {@code warning} and {@code
   * critical} are the relative changes for the worse (0.2 = 20 % worse: higher if {@code
   * higherIsWorse}, else lower) held {@code forDuration}. Only baselines of at least {@code
   * minBaseline} are judged, and (higher is worse) only values of at least {@code minValue}.
   */
  public record RegressionRule(
      String name,
      Dimension dimension,
      boolean higherIsWorse,
      double warning,
      double critical,
      Duration forDuration,
      Duration smoothing,
      BottleneckKind kind,
      double minBaseline,
      double minValue)
      implements Rule {}

  /**
   * A forecast rule: a series of {@code dimension} rising at least {@code minRise} above the
   * series' own baseline (a slow average) whose linear trend reaches {@code limit} within {@code
   * horizon} (warning; within a quarter of it: critical), held {@code forDuration}.
   */
  public record ForecastRule(
      String name,
      Dimension dimension,
      double limit,
      Duration horizon,
      double minRise,
      Duration forDuration,
      BottleneckKind kind)
      implements Rule {}

  /**
   * A growth rule: the dimension (a queue length, a consumer lag) rose by at least {@code minRise}
   * over the last {@code window} and is still rising, held {@code forDuration}; with {@code
   * arrivalsAboveThroughput} only while work arrives faster than it completes (both smoothed over
   * the window), when the source reports both. The first sign of saturation, long before a queue is
   * full. Critical once the rise over the window is {@code criticalRise} or more.
   */
  public record GrowthRule(
      String name,
      Dimension dimension,
      Duration window,
      double minRise,
      double criticalRise,
      boolean arrivalsAboveThroughput,
      Duration forDuration,
      BottleneckKind kind)
      implements Rule {}

  /**
   * Fleet pattern settings: bottlenecks opened within {@code cascadeWindow} of one another on
   * sources of one group form a cascade; {@code partitionMinSources} sources going stale within
   * {@code partitionWindow} a partition; {@code exhaustionMinSources} sources with CPU or memory
   * bottlenecks at once a resource exhaustion; a pattern resolves after {@code quietFor} without
   * its evidence. {@code groupSeparator}: a source's group is its id up to the last separator
   * ({@code docpipe-embed} is in {@code docpipe}).
   */
  public record FleetSettings(
      Duration cascadeWindow,
      int cascadeMinSources,
      int partitionMinSources,
      Duration partitionWindow,
      int exhaustionMinSources,
      Duration quietFor,
      String groupSeparator,
      int recentPatterns) {}

  /** Reads and validates {@link #SECTION} of {@code root}. */
  public static AnalyzerSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    DetectorSettings detectors = DetectorSettings.create(root);
    List<DimensionMapping> dimensions = new ArrayList<>();
    SettingsReader dims = in.section("dimensions");
    for (String name : names(dims)) {
      SettingsReader d = dims.section(name);
      if (d.has("enabled") && !d.bool("enabled")) {
        continue;
      }
      Pattern series;
      try {
        series = Pattern.compile(d.nonBlankString("series"));
      } catch (PatternSyntaxException e) {
        throw new InvalidSettingException(
            d.key("series"), "a regular expression over series names", d.string("series"));
      }
      Pattern exclude = null;
      if (d.has("exclude")) {
        try {
          exclude = Pattern.compile(d.nonBlankString("exclude"));
        } catch (PatternSyntaxException e) {
          throw new InvalidSettingException(
              d.key("exclude"), "a regular expression over series ids", d.string("exclude"));
        }
      }
      Dimension dimension = dimension(d, "dimension");
      if (dimension == Dimension.ERROR_RATIO) {
        throw new InvalidSettingException(
            d.key("dimension"), "a mappable dimension (error-ratio is computed)", "error-ratio");
      }
      String divideBy = d.has("divide-by") ? d.nonBlankString("divide-by") : null;
      double scale = d.has("scale") ? d.doubleInRange("scale", 1e-30, 1e30) : Double.NaN;
      dimensions.add(new DimensionMapping(name, series, exclude, dimension, divideBy, scale));
    }
    SettingsReader rules = in.section("rules");
    List<Rule> all = new ArrayList<>();
    SettingsReader th = rules.section("thresholds");
    for (String name : names(th)) {
      SettingsReader r = th.section(name);
      if (r.has("enabled") && !r.bool("enabled")) {
        continue;
      }
      Dimension dimension = dimension(r, "dimension");
      boolean hasAbove = r.has("above");
      boolean hasBelow = r.has("below");
      if (hasAbove == hasBelow) {
        throw new InvalidSettingException(
            r.key("above"), "exactly one of above or below (the warning level)", null);
      }
      boolean above = hasAbove;
      String levelKey = above ? "above" : "below";
      double warning = r.doubleInRange(levelKey, -1e30, 1e30);
      double critical = Double.NaN;
      if (r.has("critical")) {
        critical = r.doubleInRange("critical", -1e30, 1e30);
        if (above ? critical < warning : critical > warning) {
          throw new InvalidSettingException(
              r.key("critical"),
              "a level "
                  + (above ? "at or above " : "at or below ")
                  + levelKey
                  + " ("
                  + warning
                  + ")",
              critical);
        }
      }
      all.add(
          new ThresholdRule(
              name,
              dimension,
              above,
              warning,
              critical,
              r.positiveDuration("for"),
              kind(r, dimension),
              r.has("min-events") ? r.doubleInRange("min-events", 0, 1e9) : 0.0,
              r.has("smoothing") ? r.positiveDuration("smoothing") : Duration.ZERO));
    }
    SettingsReader rg = rules.section("regressions");
    for (String name : names(rg)) {
      SettingsReader r = rg.section(name);
      if (r.has("enabled") && !r.bool("enabled")) {
        continue;
      }
      Dimension dimension = dimension(r, "dimension");
      String worse = r.nonBlankString("worse");
      if (!worse.equals("higher") && !worse.equals("lower")) {
        throw new InvalidSettingException(r.key("worse"), "higher or lower", worse);
      }
      double warning = r.doubleInRange("warning", 0.0, 100.0);
      double critical = r.doubleInRange("critical", 0.0, 100.0);
      if (critical < warning) {
        throw new InvalidSettingException(
            r.key("critical"), "a change at least warning (" + warning + ")", critical);
      }
      if (worse.equals("lower") && critical >= 1.0) {
        throw new InvalidSettingException(
            r.key("critical"), "below 1 (a value cannot fall by 100 % or more)", critical);
      }
      all.add(
          new RegressionRule(
              name,
              dimension,
              worse.equals("higher"),
              warning,
              critical,
              r.positiveDuration("for"),
              r.positiveDuration("smoothing"),
              kind(r, dimension),
              r.has("min-baseline") ? r.doubleInRange("min-baseline", 0, 1e30) : 0.0,
              r.has("min-value")
                  ? r.doubleInRange("min-value", -1e30, 1e30)
                  : Double.NEGATIVE_INFINITY));
    }
    SettingsReader fc = rules.section("forecasts");
    for (String name : names(fc)) {
      SettingsReader r = fc.section(name);
      if (r.has("enabled") && !r.bool("enabled")) {
        continue;
      }
      Dimension dimension = dimension(r, "dimension");
      all.add(
          new ForecastRule(
              name,
              dimension,
              r.doubleInRange("limit", -1e30, 1e30),
              r.positiveDuration("horizon"),
              r.doubleInRange("min-rise", 0, 1e30),
              r.positiveDuration("for"),
              kind(r, dimension)));
    }
    if (rules.has("growth")) {
      SettingsReader gr = rules.section("growth");
      for (String name : names(gr)) {
        SettingsReader r = gr.section(name);
        if (r.has("enabled") && !r.bool("enabled")) {
          continue;
        }
        Dimension dimension = dimension(r, "dimension");
        double minRise = r.doubleInRange("min-rise", 0, 1e30);
        double criticalRise =
            r.has("critical-rise") ? r.doubleInRange("critical-rise", minRise, 1e30) : Double.NaN;
        all.add(
            new GrowthRule(
                name,
                dimension,
                r.positiveDuration("window"),
                minRise,
                criticalRise,
                r.has("arrivals-above-throughput") && r.bool("arrivals-above-throughput"),
                r.positiveDuration("for"),
                kind(r, dimension)));
      }
    }
    SettingsReader lc = in.section("lifecycle");
    SettingsReader fl = in.section("fleet");
    FleetSettings fleet =
        new FleetSettings(
            fl.positiveDuration("cascade-window"),
            fl.intInRange("cascade-min-sources", 2, 1000),
            fl.intInRange("partition-min-sources", 2, 100_000),
            fl.positiveDuration("partition-window"),
            fl.intInRange("exhaustion-min-sources", 1, 100_000),
            fl.positiveDuration("quiet-for"),
            fl.string("group-separator"),
            fl.intInRange("recent-patterns", 1, 100_000));
    return new AnalyzerSettings(
        detectors,
        in.intInRange("max-detectors-per-source", 1, 10_000),
        dimensions,
        all,
        in.positiveDuration("error-ratio-smoothing"),
        in.positiveDuration("baseline-half-life"),
        in.positiveDuration("warm-up"),
        lc.doubleInRange("hysteresis", 0.0, 0.99),
        lc.positiveDuration("clear-for"),
        lc.positiveDuration("impact-smoothing"),
        lc.positiveDuration("update-interval"),
        lc.doubleInRange("update-step", 0.0, 1.0),
        lc.intInRange("max-evidence", 1, 100),
        fleet,
        in.section("board").intInRange("recent-patterns", 1, 100_000),
        SemanticsSettings.create(root));
  }

  private static List<String> names(SettingsReader section) {
    return new ArrayList<>(new TreeSet<>(section.config().root().keySet()));
  }

  private static Dimension dimension(SettingsReader r, String path) {
    String text = r.nonBlankString(path).trim();
    for (Dimension d : Dimension.values()) {
      if (d.id().equalsIgnoreCase(text)) {
        return d;
      }
    }
    StringBuilder names = new StringBuilder();
    for (Dimension d : Dimension.values()) {
      names.append(names.length() == 0 ? "" : ", ").append(d.id());
    }
    throw new InvalidSettingException(r.key(path), "one of " + names, text);
  }

  private static BottleneckKind kind(SettingsReader r, Dimension dimension) {
    if (!r.has("kind")) {
      return dimension.defaultKind();
    }
    return r.enumValue("kind", BottleneckKind.class);
  }
}
