package io.pipewatch.optimizer;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.SettingsReader;

/**
 * The {@code pipewatch.optimizer} section of the configuration.
 *
 * <pre>{@code
 * OptimizerSettings settings = OptimizerSettings.create(system.settings().config());
 * }</pre>
 *
 * @param snapshotEvery an optimizer's state is snapshotted every this many events, so recovery
 *     replays at most that many
 * @param keepSnapshots how many snapshots are kept per optimizer (older ones are deleted)
 */
public record OptimizerSettings(int snapshotEvery, int keepSnapshots) {
  public static final String SECTION = "pipewatch.optimizer";

  /**
   * Reads and validates {@code pipewatch.optimizer}.
   *
   * @throws io.pipewatch.collector.settings.InvalidSettingException naming the first bad key
   */
  public static OptimizerSettings create(Config config) {
    SettingsReader in = SettingsReader.of(config, SECTION);
    return new OptimizerSettings(
        in.intInRange("snapshot-every", 1, 1_000_000), in.intInRange("keep-snapshots", 1, 100));
  }
}
