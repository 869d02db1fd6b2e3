package io.pipewatch.collector.ingest.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.ingest.MetricNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Decodes a Prometheus remote_write 1.0 request ({@code POST /api/v1/write}: a snappy
 * block-compressed {@code prometheus.WriteRequest},
 * https://prometheus.io/docs/specs/remote_write_spec/) into {@link Collector.Ingest} batches, one
 * per source and timestamp (split at {@code max-samples}), in ascending time. The protobuf is read
 * field by field with {@link CodedInputStream} ({@code WriteRequest.timeseries = 1}; {@code
 * TimeSeries.labels = 1, samples = 2, exemplars = 3, histograms = 4}; {@code Label.name = 1, value
 * = 2}; {@code Sample.value = 1, timestamp = 2}); unknown fields are skipped, metadata and
 * exemplars ignored.
 *
 * <p>Mapping: {@code __name__} is the metric name; the {@link RemoteWriteSettings#sourceLabels()}
 * make the source id; the other labels stay. Remote write 1.0 carries no type with a sample, so the
 * kind follows Prometheus' naming conventions: names ending in {@code _total}, {@code _count},
 * {@code _sum} or {@code _bucket} are counters (running totals), every other name a gauge.
 *
 * <p>All or nothing: any bad series refuses the whole request ({@link Rejected}, HTTP 400, which
 * Prometheus does not retry) naming it: a body that is not snappy or not a WriteRequest, a series
 * without {@code __name__} or source labels, names or labels over the JSON ingest's limits, NaN or
 * infinite values (Prometheus' staleness markers excepted: they are skipped), a negative counter, a
 * timestamp outside {@code [now - reorder-window, now + max-clock-skew]}, the same series twice (at
 * one timestamp) and native histograms, which are not supported. Thread-safe.
 *
 * <pre>{@code
 * RemoteWriteDecoder decoder = RemoteWriteDecoder.create(IngestSettings.defaults(),
 *     RemoteWriteSettings.defaults());
 * if (decoder.decode(body, now) instanceof RemoteWriteDecoder.Accepted a) { ... }
 * }</pre>
 */
public final class RemoteWriteDecoder {

  /** The outcome of {@link #decode}: {@link Accepted} or {@link Rejected}. */
  public sealed interface Result permits Accepted, Rejected {}

  /** The request's batches ({@code samples} in all) and how many staleness markers were skipped. */
  public record Accepted(List<Collector.Ingest> batches, int samples, int staleMarkers)
      implements Result {
    public Accepted {
      batches = List.copyOf(batches);
    }
  }

  /** The request is refused: {@code field} names the part ({@code body}, {@code timeseries[3]}). */
  public record Rejected(String field, String message) implements Result {}

  /** Prometheus' staleness marker: a NaN with this exact bit pattern (value.StaleNaN). */
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private static final String NAME = "__name__";

  private final IngestSettings limits;
  private final RemoteWriteSettings settings;

  private RemoteWriteDecoder(IngestSettings limits, RemoteWriteSettings settings) {
    this.limits = limits;
    this.settings = settings;
  }

  /** A decoder enforcing {@code limits} and naming sources by {@code settings}. */
  public static RemoteWriteDecoder create(IngestSettings limits, RemoteWriteSettings settings) {
    return new RemoteWriteDecoder(limits, settings);
  }

  /** Decodes one snappy-compressed body received at {@code nowMillis}. Never throws. */
  public Result decode(byte[] compressed, long nowMillis) {
    byte[] body;
    try {
      if (compressed.length == 0) {
        return new Rejected("body", "empty body; expected a snappy-compressed WriteRequest");
      }
      if (!Snappy.isValidCompressedBuffer(compressed)) {
        return new Rejected(
            "body",
            "not a valid snappy block (remote_write 1.0 uses the block format, not framing)");
      }
      int length = Snappy.uncompressedLength(compressed);
      if (length < 0 || length > limits.maxBodyBytes()) {
        return new Rejected(
            "body",
            "uncompressed WriteRequest of "
                + length
                + " bytes exceeds the limit of "
                + limits.maxBodyBytes()
                + " (pipewatch.collector.ingest.max-body-bytes)");
      }
      body = Snappy.uncompress(compressed);
    } catch (IOException | RuntimeException e) {
      return new Rejected("body", "bad snappy block: " + oneLine(e.getMessage()));
    }
    try {
      return read(body, nowMillis);
    } catch (Refused e) {
      // names and values from the request are quoted in the message: keep it one printable line
      return new Rejected(oneLine(e.field), oneLine(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      return new Rejected("body", "malformed WriteRequest protobuf: " + oneLine(e.getMessage()));
    }
  }

  private static String oneLine(String text) {
    String line =
        String.valueOf(text).replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?").strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final String field;

    Refused(String field, String message) {
      super(message);
      this.field = field;
    }
  }

  private record GroupKey(String source, long timestamp) implements Comparable<GroupKey> {
    @Override
    public int compareTo(GroupKey o) {
      int byTime = Long.compare(timestamp, o.timestamp);
      return byTime != 0 ? byTime : source.compareTo(o.source);
    }
  }

  private record SeriesKey(String name, Map<String, String> labels) {}

  private Result read(byte[] body, long now) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(body);
    TreeMap<GroupKey, List<Sample>> groups = new TreeMap<>();
    Map<GroupKey, Set<SeriesKey>> seen = new HashMap<>();
    int samples = 0;
    int stale = 0;
    int series = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag != 10) { // field 1 (timeseries), length-delimited
        in.skipField(tag);
        continue;
      }
      String at = "timeseries[" + series++ + "]";
      int limit = in.pushLimit(in.readRawVarint32());
      TreeMap<String, String> labels = new TreeMap<>();
      List<double[]> points = new ArrayList<>();
      while (true) {
        int t = in.readTag();
        if (t == 0) {
          break;
        }
        switch (WireFormat.getTagFieldNumber(t)) {
          case 1 -> readLabel(in, t, labels, at);
          case 2 -> points.add(readSample(in, t, at));
          case 4 ->
              throw new Refused(
                  at + ".histograms",
                  "native histograms are not supported; send classic histograms");
          default -> in.skipField(t);
        }
      }
      in.popLimit(limit);
      String name = labels.remove(NAME);
      if (name == null) {
        throw new Refused(at + ".labels", "no __name__ label");
      }
      if (!MetricNames.isValidMetricName(name) || name.length() > limits.maxNameLength()) {
        throw new Refused(at + ".labels.__name__", "invalid metric name '" + shorten(name) + "'");
      }
      String source = source(labels, at);
      if (labels.size() > limits.maxLabels()) {
        throw new Refused(
            at + ".labels",
            labels.size()
                + " labels; at most "
                + limits.maxLabels()
                + " (pipewatch.collector.ingest.max-labels)");
      }
      MetricKind kind = kindOf(name);
      SeriesKey key = new SeriesKey(name, Map.copyOf(labels));
      for (double[] point : points) {
        double value = point[0];
        long timestamp = Double.doubleToRawLongBits(point[1]);
        if (Double.doubleToRawLongBits(value) == STALE_NAN_BITS) {
          stale++;
          continue;
        }
        if (!Double.isFinite(value)) {
          throw new Refused(at + ".samples", "value of " + name + " is not finite (" + value + ")");
        }
        if (kind == MetricKind.COUNTER && value < 0) {
          throw new Refused(
              at + ".samples", name + " is a counter by its name and must not be negative");
        }
        long earliest = now - limits.reorderWindow().toMillis();
        long latest = now + limits.maxClockSkew().toMillis();
        if (timestamp < earliest || timestamp > latest) {
          throw new Refused(
              at + ".samples.timestamp",
              timestamp
                  + " outside [now - "
                  + limits.reorderWindow().toMillis()
                  + " ms, now + "
                  + limits.maxClockSkew().toMillis()
                  + " ms] (reorder-window, max-clock-skew)");
        }
        GroupKey group = new GroupKey(source, timestamp);
        if (!seen.computeIfAbsent(group, g -> new HashSet<>()).add(key)) {
          throw new Refused(
              at,
              "repeats series " + name + labels + " of source '" + source + "' at " + timestamp);
        }
        groups
            .computeIfAbsent(group, g -> new ArrayList<>())
            .add(new Sample(name, key.labels(), kind, value, null));
        samples++;
      }
    }
    List<Collector.Ingest> batches = new ArrayList<>();
    for (Map.Entry<GroupKey, List<Sample>> e : groups.entrySet()) {
      List<Sample> all = e.getValue();
      for (int from = 0; from < all.size(); from += limits.maxSamples()) {
        batches.add(
            new Collector.Ingest(
                e.getKey().source(),
                e.getKey().timestamp(),
                all.subList(from, Math.min(all.size(), from + limits.maxSamples()))));
      }
    }
    return new Accepted(batches, samples, stale);
  }

  private void readLabel(CodedInputStream in, int tag, Map<String, String> labels, String at)
      throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new Refused(at + ".labels", "wrong wire type for a Label");
    }
    int limit = in.pushLimit(in.readRawVarint32());
    String name = "";
    String value = "";
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case 10 -> name = in.readStringRequireUtf8();
        case 18 -> value = in.readStringRequireUtf8();
        default -> in.skipField(t);
      }
    }
    in.popLimit(limit);
    if (!name.equals(NAME)
        && (!MetricNames.isValidLabelName(name) || name.length() > limits.maxNameLength())) {
      throw new Refused(at + ".labels", "invalid label name '" + shorten(name) + "'");
    }
    if (value.length() > limits.maxLabelValueLength()) {
      throw new Refused(
          at + ".labels." + name, "value longer than " + limits.maxLabelValueLength());
    }
    if (value.isEmpty()) {
      return; // an empty label is an absent one in Prometheus
    }
    if (labels.put(name, value) != null) {
      throw new Refused(at + ".labels." + name, "label given twice");
    }
  }

  /** A sample as {value, timestamp as raw long bits}. */
  private static double[] readSample(CodedInputStream in, int tag, String at) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new Refused(at + ".samples", "wrong wire type for a Sample");
    }
    int limit = in.pushLimit(in.readRawVarint32());
    double value = 0;
    long timestamp = 0;
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case 9 -> value = in.readDouble();
        case 16 -> timestamp = in.readInt64();
        default -> in.skipField(t);
      }
    }
    in.popLimit(limit);
    return new double[] {value, Double.longBitsToDouble(timestamp)};
  }

  private String source(Map<String, String> labels, String at) throws Refused {
    StringBuilder source = new StringBuilder();
    for (String label : settings.sourceLabels()) {
      String value = labels.remove(label);
      if (value != null) {
        if (source.length() > 0) {
          source.append(settings.sourceSeparator());
        }
        source.append(value);
      }
    }
    String id = source.toString();
    if (id.isEmpty()) {
      throw new Refused(
          at + ".labels",
          "none of "
              + settings.sourceLabels()
              + " is set; they name the source"
              + " (pipewatch.collector.remote-write.source-labels)");
    }
    if (id.length() > limits.maxSourceLength() || !id.strip().equals(id)) {
      throw new Refused(
          at + ".labels", "source id '" + shorten(id) + "' is too long or has surrounding spaces");
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new Refused(at + ".labels", "source id must not contain control characters");
      }
    }
    return id;
  }

  static MetricKind kindOf(String name) {
    return name.endsWith("_total")
            || name.endsWith("_count")
            || name.endsWith("_sum")
            || name.endsWith("_bucket")
        ? MetricKind.COUNTER
        : MetricKind.GAUGE;
  }

  private static String shorten(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
