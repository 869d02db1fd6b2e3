package io.pipewatch.optimizer;

import com.typesafe.config.Config;
import io.pipewatch.collector.semantics.SemanticsSettings;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.List;

/**
 * The {@code pipewatch.optimizer} section of the configuration.
 *
 * <pre>{@code
 * OptimizerSettings settings = OptimizerSettings.create(system.settings().config());
 * }</pre>
 *
 * @param snapshotEvery an optimizer's state is snapshotted every this many events
 * @param keepSnapshots how many snapshots are kept per optimizer
 * @param defaultMode the mode of a source no operator has set one for
 * @param autoSources sources whose id starts with one of these run in {@code auto} by default
 * @param window observation window before and after a change
 * @param transientTime skipped after a change is applied, before the after-window starts
 * @param cooldown quiet time after a change ended, before the next proposal
 * @param maxStepFraction a change moves a numeric knob by at most this share of its value (at least
 *     one step)
 * @param hourlyBudget changes proposed per source per hour, at most
 * @param ackTimeout an approved change the service has not acknowledged by then is rolled back
 * @param approvalTimeout a proposal nobody approved by then is rejected
 * @param significance p-value below which a difference counts (Mann–Whitney)
 * @param minEffect smallest relative improvement that is kept (e.g. 0.02 = 2 %)
 * @param tabu a value rolled back is not proposed again for this long
 * @param latencyGuard p99 latency above this multiple of the baseline breaches the guard
 * @param errorGuard error ratio above baseline + this breaches the guard
 * @param guardBreaches consecutive breaching observations that roll a change back at once
 * @param minQuality quality below this breaches the guard (model changes)
 * @param observationPeriod the service reports one observation this often
 * @param semantics configured roles ({@code pipewatch.collector.semantics}): which of a service's
 *     series are throughput, errors, latency, ... when observations are built
 */
public record OptimizerSettings(
    int snapshotEvery,
    int keepSnapshots,
    Mode defaultMode,
    List<String> autoSources,
    Duration window,
    Duration transientTime,
    Duration cooldown,
    double maxStepFraction,
    int hourlyBudget,
    Duration ackTimeout,
    Duration approvalTimeout,
    double significance,
    double minEffect,
    Duration tabu,
    double latencyGuard,
    double errorGuard,
    int guardBreaches,
    double minQuality,
    Duration observationPeriod,
    SemanticsSettings semantics) {
  public static final String SECTION = "pipewatch.optimizer";

  public OptimizerSettings {
    autoSources = List.copyOf(autoSources);
  }

  /**
   * Reads and validates {@code pipewatch.optimizer}.
   *
   * @throws io.pipewatch.collector.settings.InvalidSettingException naming the first bad key
   */
  public static OptimizerSettings create(Config config) {
    SettingsReader in = SettingsReader.of(config, SECTION);
    return new OptimizerSettings(
        in.intInRange("snapshot-every", 1, 1_000_000),
        in.intInRange("keep-snapshots", 1, 100),
        in.enumValue("default-mode", Mode.class),
        in.stringList("auto-sources"),
        in.positiveDuration("window"),
        in.positiveDuration("transient"),
        in.positiveDuration("cooldown"),
        in.doubleInRange("max-step-fraction", 0.01, 10),
        in.intInRange("hourly-budget", 1, 3600),
        in.positiveDuration("ack-timeout"),
        in.positiveDuration("approval-timeout"),
        in.doubleInRange("significance", 1e-6, 0.5),
        in.doubleInRange("min-effect", 0, 1),
        in.positiveDuration("tabu"),
        in.doubleInRange("latency-guard", 1, 100),
        in.doubleInRange("error-guard", 0, 1),
        in.intInRange("guard-breaches", 1, 1000),
        in.doubleInRange("min-quality", 0, 1),
        in.positiveDuration("observation-period"),
        SemanticsSettings.create(config));
  }

  /** The same settings with other snapshot parameters. */
  public OptimizerSettings withSnapshots(int every, int keep) {
    return new OptimizerSettings(
        every,
        keep,
        defaultMode,
        autoSources,
        window,
        transientTime,
        cooldown,
        maxStepFraction,
        hourlyBudget,
        ackTimeout,
        approvalTimeout,
        significance,
        minEffect,
        tabu,
        latencyGuard,
        errorGuard,
        guardBreaches,
        minQuality,
        observationPeriod,
        semantics);
  }

  /** The mode of {@code sourceId} when no operator has chosen one. */
  public Mode modeFor(String sourceId) {
    for (String prefix : autoSources) {
      if (sourceId.startsWith(prefix)) {
        return Mode.AUTO;
      }
    }
    return defaultMode;
  }
}
