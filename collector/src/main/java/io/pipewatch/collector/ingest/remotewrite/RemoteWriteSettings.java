package io.pipewatch.collector.ingest.remotewrite;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.util.List;

/**
 * How {@code POST /api/v1/write} maps Prometheus series to sources ({@code
 * pipewatch.collector.remote-write}): the values of {@code sourceLabels} present on a series,
 * joined by {@code sourceSeparator}, are its source id ({@code node@10.0.0.7:9100}) and are not
 * kept as labels. Size limits are those of the JSON ingest ({@code pipewatch.collector.ingest}).
 *
 * @param sourceLabels labels forming the source id, in order (default {@code job}, {@code
 *     instance})
 * @param sourceSeparator between the parts of the source id (default {@code @})
 */
public record RemoteWriteSettings(List<String> sourceLabels, String sourceSeparator) {

  /** The section's path. */
  public static final String SECTION = "pipewatch.collector.remote-write";

  public RemoteWriteSettings {
    sourceLabels = List.copyOf(sourceLabels);
  }

  /** Reads {@code pipewatch.collector.remote-write} of {@code root}. */
  public static RemoteWriteSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    List<String> labels = in.stringList("source-labels");
    if (labels.isEmpty() || labels.stream().anyMatch(String::isBlank)) {
      throw new InvalidSettingException(
          in.key("source-labels"), "a non-empty list of label names", labels);
    }
    return new RemoteWriteSettings(labels, in.string("source-separator"));
  }

  /** The defaults of {@code reference.conf}. */
  public static RemoteWriteSettings defaults() {
    return new RemoteWriteSettings(List.of("job", "instance"), "@");
  }
}
