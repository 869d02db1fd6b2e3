package io.pipewatch.collector.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.ingest.MetricNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decodes the body of an OTLP/HTTP {@code POST /v1/metrics} ({@code ExportMetricsServiceRequest},
 * binary protobuf or OTLP's JSON mapping) into {@link Collector.Ingest} batches, one per source and
 * timestamp (split at {@code max-samples}).
 *
 * <p>Mapping (names sanitized by {@link PromNames}):
 *
 * <ul>
 *   <li>Source id: the values of {@link OtlpSettings#sourceAttributes()} among the resource's
 *       attributes, joined by {@link OtlpSettings#sourceSeparator()} ({@code checkout@pod-7}); a
 *       resource with none of them is refused. {@link OtlpSettings#resourceLabels()} become labels
 *       of every point, a point's attributes its other labels.
 *   <li>Gauge → gauge. Monotonic sum → counter named {@code <name>_total}; non-monotonic sum →
 *       gauge. Histogram, exponential histogram, summary → histogram: count and sum, and p50, p90,
 *       p95, p99 and max estimated from the buckets ({@link BucketQuantiles}) or read from the
 *       summary's quantiles.
 *   <li>Delta temporality (sums, histograms): the point carries the delta; {@link
 *       PointMeta#delta()} says so and {@link DeltaTotals} turns it into the running total
 *       Pipewatch stores.
 *   <li>Each point's unit and description stay in {@link PointMeta}, in the order of the batch's
 *       samples.
 * </ul>
 *
 * <p>Whole-request refusals ({@link Rejected}, HTTP 400): a body that is not an {@code
 * ExportMetricsServiceRequest}. Point refusals (counted in {@link Decoded#rejectedPoints()}, OTLP's
 * partial success): non-finite values, a histogram whose buckets do not add up to its count or
 * whose bounds are not ascending, a negative monotonic sum, an unset temporality, names, labels or
 * a source id over the JSON ingest's limits ({@link IngestSettings}), a timestamp outside {@code
 * [now - reorder-window, now + max-clock-skew]}, and a series repeated within one request. Points
 * flagged {@code NO_RECORDED_VALUE} are skipped. An instance is immutable and thread-safe.
 *
 * <pre>{@code
 * OtlpDecoder decoder = OtlpDecoder.create(IngestSettings.defaults(), OtlpSettings.defaults());
 * if (decoder.decode(body, OtlpDecoder.Format.PROTOBUF, now) instanceof OtlpDecoder.Decoded d) {
 *   d.batches().forEach(b -> store(b.ingest()));
 * }
 * }</pre>
 */
public final class OtlpDecoder {

  /** The body's encoding: {@code application/x-protobuf} or {@code application/json}. */
  public enum Format {
    PROTOBUF,
    JSON
  }

  /** The outcome of {@link #decode}: {@link Decoded} or {@link Rejected}. */
  public sealed interface Result permits Decoded, Rejected {}

  /**
   * The request's accepted points as batches; {@code rejectedPoints} were refused, {@code
   * rejection} names the first refused one and why ({@code null} when none was).
   */
  public record Decoded(
      List<Batch> batches, int acceptedPoints, int rejectedPoints, String rejection)
      implements Result {
    public Decoded {
      batches = List.copyOf(batches);
    }
  }

  /** The whole request is refused: {@code field} is {@code body}, {@code message} says why. */
  public record Rejected(String field, String message) implements Result {}

  /** One batch to store and, index for index with its samples, what the points said of them. */
  public record Batch(Collector.Ingest ingest, List<PointMeta> meta) {
    public Batch {
      meta = List.copyOf(meta);
    }
  }

  /**
   * A point's unit ({@code "s"}, {@code "By"}, {@code "1"}; empty when not given) and description,
   * and whether its value (counter, or histogram count and sum) is a delta to add to a running
   * total.
   */
  public record PointMeta(String unit, String description, boolean delta) {}

  private static final int MAX_MESSAGE = 300;
  private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

  private final IngestSettings limits;
  private final OtlpSettings otlp;

  private OtlpDecoder(IngestSettings limits, OtlpSettings otlp) {
    this.limits = limits;
    this.otlp = otlp;
  }

  /** A decoder enforcing {@code limits} and mapping resources by {@code otlp}. */
  public static OtlpDecoder create(IngestSettings limits, OtlpSettings otlp) {
    return new OtlpDecoder(limits, otlp);
  }

  /** Decodes one request body received at {@code nowMillis}. Never throws for any input. */
  public Result decode(byte[] body, Format format, long nowMillis) {
    if (body.length > limits.maxBodyBytes()) {
      return new Rejected(
          "body",
          "body of " + body.length + " bytes exceeds the limit of " + limits.maxBodyBytes());
    }
    ExportMetricsServiceRequest request;
    try {
      request = parse(body, format);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      String what = format == Format.JSON ? "malformed OTLP JSON: " : "malformed OTLP protobuf: ";
      return new Rejected("body", what + oneLine(String.valueOf(e.getMessage())));
    }
    Walk walk = new Walk(nowMillis);
    for (int r = 0; r < request.getResourceMetricsCount(); r++) {
      walk.resource(request.getResourceMetrics(r), "resourceMetrics[" + r + "]");
    }
    return walk.result();
  }

  private static ExportMetricsServiceRequest parse(byte[] body, Format format) throws IOException {
    if (format == Format.JSON) {
      if (body.length == 0) {
        throw new InvalidProtocolBufferException("empty body; expected a JSON object");
      }
      ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
      JSON.merge(new String(body, StandardCharsets.UTF_8), builder);
      return builder.build();
    }
    CodedInputStream in = CodedInputStream.newInstance(body);
    in.setRecursionLimit(32);
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(in);
    in.checkLastTagWas(0);
    return request;
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line;
  }

  private record GroupKey(String source, long timestamp) {}

  private record SeriesKey(String name, Map<String, String> labels) {}

  private static final class Group {
    final List<Sample> samples = new ArrayList<>();
    final List<PointMeta> meta = new ArrayList<>();
    final Set<SeriesKey> seen = new HashSet<>();
  }

  /** The state of one decode: groups of accepted points, the rejection count. */
  private final class Walk {
    private final long now;
    private final Map<GroupKey, Group> groups = new LinkedHashMap<>();
    private int accepted;
    private int rejected;
    private String rejection;

    Walk(long now) {
      this.now = now;
    }

    void resource(ResourceMetrics resource, String path) {
      String source;
      Map<String, String> resourceLabels;
      try {
        source = sourceOf(resource.getResource().getAttributesList(), path);
        resourceLabels = resourceLabels(resource.getResource().getAttributesList(), path);
      } catch (PointRefused e) {
        int points = 0;
        for (ScopeMetrics scope : resource.getScopeMetricsList()) {
          for (Metric metric : scope.getMetricsList()) {
            points += pointCount(metric);
          }
        }
        refuse(points, e.getMessage());
        return;
      }
      for (int s = 0; s < resource.getScopeMetricsCount(); s++) {
        ScopeMetrics scope = resource.getScopeMetrics(s);
        for (int m = 0; m < scope.getMetricsCount(); m++) {
          metric(
              source,
              resourceLabels,
              scope.getMetrics(m),
              path + ".scopeMetrics[" + s + "].metrics[" + m + "]");
        }
      }
    }

    void metric(String source, Map<String, String> base, Metric metric, String path) {
      String name = PromNames.metric(metric.getName());
      String nameProblem = nameProblem(name);
      if (nameProblem != null) {
        refuse(pointCount(metric), path + ".name: " + nameProblem);
        return;
      }
      String unit = metric.getUnit();
      String description = metric.getDescription();
      switch (metric.getDataCase()) {
        case GAUGE -> {
          for (int i = 0; i < metric.getGauge().getDataPointsCount(); i++) {
            NumberDataPoint p = metric.getGauge().getDataPoints(i);
            String at = path + ".gauge.dataPoints[" + i + "]";
            add(
                source,
                p.getTimeUnixNano(),
                p.getFlags(),
                at,
                () -> {
                  Map<String, String> labels = labels(base, p.getAttributesList(), at);
                  double value = OtlpPoints.number(p, at);
                  return new Sample(name, labels, MetricKind.GAUGE, value, null);
                },
                new PointMeta(unit, description, false));
          }
        }
        case SUM -> {
          var sum = metric.getSum();
          boolean monotonic = sum.getIsMonotonic();
          String sumName = monotonic && !name.endsWith("_total") ? name + "_total" : name;
          for (int i = 0; i < sum.getDataPointsCount(); i++) {
            NumberDataPoint p = sum.getDataPoints(i);
            String at = path + ".sum.dataPoints[" + i + "]";
            boolean delta = isDelta(sum.getAggregationTemporality());
            add(
                source,
                p.getTimeUnixNano(),
                p.getFlags(),
                at,
                () -> {
                  temporality(sum.getAggregationTemporality(), path + ".sum");
                  String nameProblem2 = nameProblem(sumName);
                  if (nameProblem2 != null) {
                    throw new PointRefused(path + ".name: " + nameProblem2);
                  }
                  Map<String, String> labels = labels(base, p.getAttributesList(), at);
                  double value = OtlpPoints.number(p, at);
                  if (monotonic && value < 0) {
                    throw new PointRefused(at + ": a monotonic sum must not be negative: " + value);
                  }
                  return new Sample(
                      sumName,
                      labels,
                      monotonic ? MetricKind.COUNTER : MetricKind.GAUGE,
                      value,
                      null);
                },
                new PointMeta(unit, description, delta));
          }
        }
        case HISTOGRAM -> {
          var histogram = metric.getHistogram();
          boolean delta = isDelta(histogram.getAggregationTemporality());
          for (int i = 0; i < histogram.getDataPointsCount(); i++) {
            HistogramDataPoint p = histogram.getDataPoints(i);
            String at = path + ".histogram.dataPoints[" + i + "]";
            add(
                source,
                p.getTimeUnixNano(),
                p.getFlags(),
                at,
                () -> {
                  temporality(histogram.getAggregationTemporality(), path + ".histogram");
                  Map<String, String> labels = labels(base, p.getAttributesList(), at);
                  return new Sample(
                      name, labels, MetricKind.HISTOGRAM, p.getCount(), OtlpPoints.explicit(p, at));
                },
                new PointMeta(unit, description, delta));
          }
        }
        case EXPONENTIAL_HISTOGRAM -> {
          var histogram = metric.getExponentialHistogram();
          boolean delta = isDelta(histogram.getAggregationTemporality());
          for (int i = 0; i < histogram.getDataPointsCount(); i++) {
            ExponentialHistogramDataPoint p = histogram.getDataPoints(i);
            String at = path + ".exponentialHistogram.dataPoints[" + i + "]";
            add(
                source,
                p.getTimeUnixNano(),
                p.getFlags(),
                at,
                () -> {
                  temporality(
                      histogram.getAggregationTemporality(), path + ".exponentialHistogram");
                  Map<String, String> labels = labels(base, p.getAttributesList(), at);
                  return new Sample(
                      name,
                      labels,
                      MetricKind.HISTOGRAM,
                      p.getCount(),
                      ExponentialBuckets.of(p, at));
                },
                new PointMeta(unit, description, delta));
          }
        }
        case SUMMARY -> {
          for (int i = 0; i < metric.getSummary().getDataPointsCount(); i++) {
            SummaryDataPoint p = metric.getSummary().getDataPoints(i);
            String at = path + ".summary.dataPoints[" + i + "]";
            add(
                source,
                p.getTimeUnixNano(),
                p.getFlags(),
                at,
                () -> {
                  Map<String, String> labels = labels(base, p.getAttributesList(), at);
                  return new Sample(
                      name, labels, MetricKind.HISTOGRAM, p.getCount(), OtlpPoints.summary(p, at));
                },
                new PointMeta(unit, description, false));
          }
        }
        case DATA_NOT_SET -> refuse(1, path + ": no data (gauge, sum, histogram, ...)");
      }
    }

    /** The sample with OTLP's unit of its metric, for the semantic roles (null when none). */
    private static Sample withUnit(Sample s, String unit) {
      return unit == null || unit.isBlank()
          ? s
          : new Sample(s.name(), s.labels(), s.kind(), s.value(), s.histogram(), s.role(), unit);
    }

    private interface PointReader {
      Sample read() throws PointRefused;
    }

    private void add(
        String source,
        long timeUnixNano,
        int flags,
        String at,
        PointReader reader,
        PointMeta meta) {
      if ((flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0) {
        return;
      }
      try {
        long timestamp = timestamp(timeUnixNano, at);
        Sample sample = withUnit(reader.read(), meta.unit());
        Group group = groups.computeIfAbsent(new GroupKey(source, timestamp), k -> new Group());
        if (!group.seen.add(new SeriesKey(sample.name(), sample.labels()))) {
          throw new PointRefused(
              at
                  + ": repeats series "
                  + sample.name()
                  + sample.labels()
                  + " of source '"
                  + source
                  + "' at the same time in this request");
        }
        group.samples.add(sample);
        group.meta.add(meta);
        accepted++;
      } catch (PointRefused e) {
        refuse(1, e.getMessage());
      }
    }

    private void refuse(int points, String message) {
      if (points <= 0) {
        return;
      }
      rejected += points;
      if (rejection == null) {
        rejection = oneLine(message);
      }
    }

    Result result() {
      List<Batch> batches = new ArrayList<>();
      for (Map.Entry<GroupKey, Group> e : groups.entrySet()) {
        Group g = e.getValue();
        for (int from = 0; from < g.samples.size(); from += limits.maxSamples()) {
          int to = Math.min(g.samples.size(), from + limits.maxSamples());
          batches.add(
              new Batch(
                  new Collector.Ingest(
                      e.getKey().source(), e.getKey().timestamp(), g.samples.subList(from, to)),
                  g.meta.subList(from, to)));
        }
      }
      return new Decoded(batches, accepted, rejected, rejection);
    }

    private long timestamp(long timeUnixNano, String at) throws PointRefused {
      if (timeUnixNano == 0) {
        return now;
      }
      long millis = Long.divideUnsigned(timeUnixNano, 1_000_000L);
      long earliest = now - limits.reorderWindow().toMillis();
      long latest = now + limits.maxClockSkew().toMillis();
      if (timeUnixNano < 0 || millis < earliest || millis > latest) {
        throw new PointRefused(
            at
                + ".timeUnixNano: "
                + Long.toUnsignedString(timeUnixNano)
                + " is outside [now - "
                + limits.reorderWindow().toMillis()
                + " ms, now + "
                + limits.maxClockSkew().toMillis()
                + " ms] (reorder-window, max-clock-skew)");
      }
      return millis;
    }
  }

  private static int pointCount(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 1;
    };
  }

  private static boolean isDelta(AggregationTemporality temporality) {
    return temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
  }

  private static void temporality(AggregationTemporality temporality, String path)
      throws PointRefused {
    if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
        && temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
      throw new PointRefused(
          path + ".aggregationTemporality: must be DELTA or CUMULATIVE, not " + temporality);
    }
  }

  private String sourceOf(List<KeyValue> attributes, String path) throws PointRefused {
    StringBuilder source = new StringBuilder();
    for (String wanted : otlp.sourceAttributes()) {
      for (KeyValue kv : attributes) {
        if (kv.getKey().equals(wanted)) {
          String value = OtlpPoints.text(kv.getValue());
          if (!value.isEmpty()) {
            if (source.length() > 0) {
              source.append(otlp.sourceSeparator());
            }
            source.append(value);
          }
          break;
        }
      }
    }
    String id = source.toString();
    String where = path + ".resource.attributes";
    if (id.isEmpty()) {
      throw new PointRefused(
          where
              + ": none of "
              + otlp.sourceAttributes()
              + " is set; they name the source"
              + " (pipewatch.collector.otlp.source-attributes)");
    }
    if (id.length() > limits.maxSourceLength()) {
      throw new PointRefused(
          where + ": source id longer than " + limits.maxSourceLength() + " characters");
    }
    if (id.isBlank() || !id.strip().equals(id)) {
      throw new PointRefused(where + ": source id must not be blank or start or end with spaces");
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new PointRefused(where + ": source id must not contain control characters");
      }
    }
    return id;
  }

  private Map<String, String> resourceLabels(List<KeyValue> attributes, String path)
      throws PointRefused {
    if (otlp.resourceLabels().isEmpty()) {
      return Map.of();
    }
    List<KeyValue> promoted = new ArrayList<>();
    for (KeyValue kv : attributes) {
      if (otlp.resourceLabels().contains(kv.getKey())) {
        promoted.add(kv);
      }
    }
    return labels(Map.of(), promoted, path + ".resource");
  }

  private Map<String, String> labels(Map<String, String> base, List<KeyValue> attributes, String at)
      throws PointRefused {
    if (base.size() + attributes.size() > limits.maxLabels() * 2 + 8) {
      throw new PointRefused(
          at
              + ".attributes: "
              + attributes.size()
              + " attributes; at most "
              + limits.maxLabels()
              + " labels per point (pipewatch.collector.ingest.max-labels)");
    }
    Map<String, String> labels = new TreeMap<>(base);
    for (int i = 0; i < attributes.size(); i++) {
      KeyValue kv = attributes.get(i);
      String key = PromNames.label(kv.getKey());
      if (key.isEmpty() || !MetricNames.isValidLabelName(key)) {
        throw new PointRefused(at + ".attributes[" + i + "]: invalid key '" + kv.getKey() + "'");
      }
      if (key.length() > limits.maxNameLength()) {
        throw new PointRefused(
            at + ".attributes[" + i + "]: key longer than " + limits.maxNameLength());
      }
      String value = OtlpPoints.text(kv.getValue());
      if (value.isEmpty()) {
        continue;
      }
      labels.merge(key, value, (a, b) -> a + ";" + b);
      if (labels.get(key).length() > limits.maxLabelValueLength()) {
        throw new PointRefused(
            at
                + ".attributes["
                + i
                + "]: value longer than "
                + limits.maxLabelValueLength()
                + " characters");
      }
    }
    if (labels.size() > limits.maxLabels()) {
      throw new PointRefused(
          at
              + ".attributes: "
              + labels.size()
              + " labels; at most "
              + limits.maxLabels()
              + " per point (pipewatch.collector.ingest.max-labels)");
    }
    return labels;
  }

  private String nameProblem(String name) {
    if (name.isEmpty()) {
      return "empty metric name";
    }
    if (name.length() > limits.maxNameLength()) {
      return "longer than " + limits.maxNameLength() + " characters";
    }
    return MetricNames.isValidMetricName(name) ? null : "invalid metric name '" + name + "'";
  }
}
