package io.pipewatch.collector.ingest.otlp;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.util.List;

/**
 * How {@code POST /v1/metrics} maps OTLP resources to Pipewatch ({@code pipewatch.collector.otlp}):
 * the resource attributes whose values, joined by {@code sourceSeparator}, make the source id
 * (attributes that are absent are skipped; a resource with none of them is refused), and the
 * resource attributes copied onto every data point as labels. Size limits are those of the JSON
 * ingest ({@code pipewatch.collector.ingest}).
 *
 * @param sourceAttributes resource attributes forming the source id, in order (default {@code
 *     service.name}, {@code service.instance.id})
 * @param sourceSeparator between the parts of the source id (default {@code @})
 * @param resourceLabels resource attributes added to each point's labels (sanitized names)
 * @param maxDeltaSeries most series whose delta sums are being added up on this node
 */
public record OtlpSettings(
    List<String> sourceAttributes,
    String sourceSeparator,
    List<String> resourceLabels,
    int maxDeltaSeries) {

  /** The section's path. */
  public static final String SECTION = "pipewatch.collector.otlp";

  public OtlpSettings {
    sourceAttributes = List.copyOf(sourceAttributes);
    resourceLabels = List.copyOf(resourceLabels);
  }

  /** Reads {@code pipewatch.collector.otlp} of {@code root}. */
  public static OtlpSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    List<String> source = in.stringList("source-attributes");
    if (source.isEmpty() || source.stream().anyMatch(String::isBlank)) {
      throw new InvalidSettingException(
          in.key("source-attributes"), "a non-empty list of attribute names", source);
    }
    return new OtlpSettings(
        source,
        in.string("source-separator"),
        in.stringList("resource-labels"),
        in.intInRange("max-delta-series", 0, 10_000_000));
  }

  /** The defaults of {@code reference.conf}. */
  public static OtlpSettings defaults() {
    return new OtlpSettings(
        List.of("service.name", "service.instance.id"), "@", List.of(), 100_000);
  }
}
