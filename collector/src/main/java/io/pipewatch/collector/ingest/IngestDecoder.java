package io.pipewatch.collector.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.semantics.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the JSON body of {@code POST /api/ingest} into one {@link Collector.Ingest}, strictly:
 * either the whole batch is valid and {@link Accepted} carries it, or {@link Rejected} names the
 * first offending field (a path such as {@code samples[3].value}) and says what is wrong. A
 * rejected batch yields nothing, so nothing of it is applied.
 *
 * <p>The body is one JSON object:
 *
 * <pre>{@code
 * {
 *   "source": "svc-a",                      required; non-blank, no surrounding spaces or control chars
 *   "timestamp": 1732350000000,             optional; epoch ms (default: time of receipt), within
 *                                           [now - reorder-window, now + max-clock-skew]
 *   "samples": [                            required; at most max-samples entries (may be empty)
 *     {"name": "docs_processed_total", "labels": {"stage": "parse"}, "kind": "counter", "value": 123},
 *     {"name": "queue_depth", "kind": "gauge", "value": 17.5},
 *     {"name": "parse_latency_seconds", "kind": "histogram", "count": 1000, "sum": 12.5,
 *      "quantiles": {"0.5": 0.01, "0.9": 0.02, "0.95": 0.03, "0.99": 0.08}, "max": 0.2},
 *     {"name": "jobs_out", "kind": "counter", "value": 9, "role": "throughput", "unit": "1"}
 *   ]
 * }
 * }</pre>
 *
 * <p>Rules: {@code kind} is one of {@code counter}, {@code gauge}, {@code histogram}, {@code timer}
 * (timer values are nanoseconds). Counters and gauges carry {@code value} (a finite number; a
 * counter's is a running total, so not negative) and nothing else. Histograms and timers carry
 * {@code count} (a non-negative whole number) and {@code sum}, and, when count is above zero, all
 * four {@code quantiles} and {@code max}, not decreasing from 0.5 to max; they carry no {@code
 * value}. Any sample may declare what it means: {@code role} (one of {@code
 * io.pipewatch.collector.semantics.Role}, kebab case, e.g. {@code queue-length}) and {@code unit}
 * (UCUM-like, e.g. {@code s}, {@code 1}, {@code By}). Names follow the Prometheus rules ({@link
 * MetricNames}); label values are non-empty strings; a sample may not repeat the name and labels of
 * an earlier one. Unknown or repeated fields, {@code NaN} and {@code Infinity} (as numbers, as
 * strings, or as overflowing literals such as {@code 1e999}) and anything after the closing brace
 * are rejected.
 *
 * <p>Uses Jackson's streaming {@link JsonParser}: no tree and no data binding, one pass. An
 * instance is immutable and safe to share between threads.
 *
 * <pre>{@code
 * IngestDecoder decoder = IngestDecoder.create(IngestSettings.create(system.settings().config()));
 * switch (decoder.decode(body, System.currentTimeMillis())) { ... }
 * }</pre>
 */
public final class IngestDecoder {

  /** The outcome of {@link #decode}: {@link Accepted} or {@link Rejected}. */
  public sealed interface DecodeResult permits Accepted, Rejected {}

  /** A valid batch, ready to send to the source's collector. */
  public record Accepted(Collector.Ingest ingest) implements DecodeResult {}

  /**
   * A refused batch. {@code field} is the path of the offending field ({@code source}, {@code
   * samples[2].labels.stage}, or {@code body} for the document as a whole); {@code message} says
   * what is wrong in one line.
   */
  public record Rejected(String field, String message) implements DecodeResult {}

  private static final String[] QUANTILE_KEYS = {"0.5", "0.9", "0.95", "0.99"};

  private static final int F_NAME = 1;
  private static final int F_LABELS = 2;
  private static final int F_KIND = 4;
  private static final int F_VALUE = 8;
  private static final int F_COUNT = 16;
  private static final int F_SUM = 32;
  private static final int F_QUANTILES = 64;
  private static final int F_MAX = 128;
  private static final int F_ROLE = 256;
  private static final int F_UNIT = 512;
  private static final int MAX_UNIT_LENGTH = 32;

  private final IngestSettings settings;
  private final JsonFactory factory;

  private IngestDecoder(IngestSettings settings) {
    this.settings = settings;
    this.factory =
        JsonFactory.builder()
            // NaN and Infinity are read as numbers so that they are refused as "not finite" with
            // the field's path rather than as a syntax error.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(400)
                    .maxStringLength(Math.max(settings.maxLabelValueLength(), 1024) * 4)
                    .build())
            .build();
  }

  /** A decoder enforcing {@code settings}. */
  public static IngestDecoder create(IngestSettings settings) {
    return new IngestDecoder(settings);
  }

  /** The limits this decoder enforces. */
  public IngestSettings settings() {
    return settings;
  }

  /**
   * Decodes one request body. {@code receivedAtMillis} is the batch's timestamp when the body has
   * none, and the "now" a given timestamp must be near ({@code reorder-window} before it to {@code
   * max-clock-skew} after it). Never throws for any input.
   */
  public DecodeResult decode(byte[] body, long receivedAtMillis) {
    return decode(body, 0, body.length, receivedAtMillis);
  }

  /**
   * As {@link #decode(byte[], long)}, for {@code length} bytes of {@code body} from {@code offset}.
   */
  public DecodeResult decode(byte[] body, int offset, int length, long receivedAtMillis) {
    if (length == 0) {
      return new Rejected("body", "empty body; expected a JSON object");
    }
    if (length > settings.maxBodyBytes()) {
      return new Rejected(
          "body", "body of " + length + " bytes exceeds the limit of " + settings.maxBodyBytes());
    }
    Cursor at = new Cursor();
    try (JsonParser parser = factory.createParser(body, offset, length)) {
      return new Accepted(readBatch(parser, at, receivedAtMillis));
    } catch (Reject e) {
      return new Rejected(e.field, e.getMessage());
    } catch (JsonProcessingException e) {
      return new Rejected(at.path(), "malformed JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      // Jackson reports a few malformed inputs with unchecked exceptions; none may escape.
      return new Rejected(at.path(), "malformed JSON: " + oneLine(String.valueOf(e.getMessage())));
    }
  }

  private Collector.Ingest readBatch(JsonParser p, Cursor at, long receivedAtMillis)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new Reject("body", "expected a JSON object");
    }
    String source = null;
    long timestamp = 0;
    boolean hasTimestamp = false;
    List<Sample> samples = null;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      at.top = display(field);
      p.nextToken();
      switch (field) {
        case "source" -> {
          if (source != null) {
            throw new Reject(field, "repeated field");
          }
          source = readSource(p);
        }
        case "timestamp" -> {
          if (hasTimestamp) {
            throw new Reject(field, "repeated field");
          }
          timestamp = readTimestamp(p, receivedAtMillis);
          hasTimestamp = true;
        }
        case "samples" -> {
          if (samples != null) {
            throw new Reject(field, "repeated field");
          }
          samples = readSamples(p, at);
        }
        default -> throw new Reject(at.top, "unknown field; expected source, timestamp or samples");
      }
      at.top = null;
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Reject("body", "expected a field name or '}'");
    }
    if (p.nextToken() != null) {
      throw new Reject("body", "unexpected content after the closing '}'");
    }
    if (source == null) {
      throw new Reject("source", "missing; expected the id of the reporting source");
    }
    if (samples == null) {
      throw new Reject("samples", "missing; expected an array of samples");
    }
    return new Collector.Ingest(source, hasTimestamp ? timestamp : receivedAtMillis, samples);
  }

  private String readSource(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject("source", "must be a string");
    }
    String source = p.getText();
    if (source.isBlank()) {
      throw new Reject("source", "must not be blank");
    }
    if (source.length() > settings.maxSourceLength()) {
      throw new Reject("source", "longer than " + settings.maxSourceLength() + " characters");
    }
    if (!source.strip().equals(source)) {
      throw new Reject("source", "must not start or end with white space");
    }
    for (int i = 0; i < source.length(); i++) {
      if (Character.isISOControl(source.charAt(i))) {
        throw new Reject("source", "must not contain control characters");
      }
    }
    return source;
  }

  private long readTimestamp(JsonParser p, long receivedAtMillis) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Reject("timestamp", "must be a whole number of epoch milliseconds");
    }
    long value = p.getLongValue();
    long earliest = receivedAtMillis - settings.reorderWindow().toMillis();
    long latest = receivedAtMillis + settings.maxClockSkew().toMillis();
    if (value < earliest || value > latest) {
      throw new Reject(
          "timestamp",
          "epoch milliseconds "
              + value
              + " outside ["
              + earliest
              + ", "
              + latest
              + "]: at most reorder-window = "
              + settings.reorderWindow().toMillis()
              + " ms before this node's clock and max-clock-skew = "
              + settings.maxClockSkew().toMillis()
              + " ms after it");
    }
    return value;
  }

  private List<Sample> readSamples(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Reject("samples", "must be an array");
    }
    List<Sample> samples = new ArrayList<>();
    Map<SeriesKey, Integer> seen = new HashMap<>();
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      int index = samples.size();
      if (index >= settings.maxSamples()) {
        throw new Reject("samples", "more than " + settings.maxSamples() + " samples");
      }
      at.sample = index;
      if (token != JsonToken.START_OBJECT) {
        throw new Reject(at.path(), "must be an object");
      }
      Sample sample = readSample(p, at);
      Integer earlier = seen.putIfAbsent(new SeriesKey(sample.name(), sample.labels()), index);
      if (earlier != null) {
        throw new Reject(
            "samples[" + index + "]", "repeats the name and labels of samples[" + earlier + "]");
      }
      samples.add(sample);
      at.sample = -1;
    }
    return samples;
  }

  private Sample readSample(JsonParser p, Cursor at) throws IOException {
    int seen = 0;
    String name = null;
    Map<String, String> labels = Map.of();
    MetricKind kind = null;
    double value = 0;
    long count = 0;
    double sum = 0;
    double max = 0;
    double[] quantiles = null;
    String role = null;
    String unit = null;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      at.field = display(field);
      int flag = flagOf(field);
      if (flag == 0) {
        throw new Reject(
            at.path(),
            "unknown field; expected name, labels, kind, value, count, sum, quantiles, max, role"
                + " or unit");
      }
      if ((seen & flag) != 0) {
        throw new Reject(at.path(), "repeated field");
      }
      seen |= flag;
      p.nextToken();
      switch (flag) {
        case F_NAME -> name = readMetricName(p, at);
        case F_LABELS -> labels = readLabels(p, at);
        case F_KIND -> kind = readKind(p, at);
        case F_VALUE -> value = readFinite(p, at);
        case F_COUNT -> count = readCount(p, at);
        case F_SUM -> sum = readFinite(p, at);
        case F_MAX -> max = readFinite(p, at);
        case F_QUANTILES -> quantiles = readQuantiles(p, at);
        case F_ROLE -> role = readRole(p, at);
        case F_UNIT -> unit = readUnit(p, at);
        default -> throw new IllegalStateException("unreachable");
      }
      at.field = null;
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Reject(at.path(), "expected a field name or '}'");
    }
    String prefix = "samples[" + at.sample + "]";
    if (name == null) {
      throw new Reject(prefix + ".name", "missing; expected a metric name");
    }
    if (kind == null) {
      throw new Reject(prefix + ".kind", "missing; expected counter, gauge, histogram or timer");
    }
    if (kind == MetricKind.COUNTER || kind == MetricKind.GAUGE) {
      String kindName = kind == MetricKind.COUNTER ? "counter" : "gauge";
      rejectPresent(seen, F_COUNT, prefix + ".count", kindName);
      rejectPresent(seen, F_SUM, prefix + ".sum", kindName);
      rejectPresent(seen, F_QUANTILES, prefix + ".quantiles", kindName);
      rejectPresent(seen, F_MAX, prefix + ".max", kindName);
      if ((seen & F_VALUE) == 0) {
        throw new Reject(prefix + ".value", "missing; a " + kindName + " needs a value");
      }
      if (kind == MetricKind.COUNTER && value < 0) {
        throw new Reject(prefix + ".value", "a counter's total must not be negative");
      }
      return new Sample(name, labels, kind, value, null, role, unit);
    }
    String kindName = kind == MetricKind.HISTOGRAM ? "histogram" : "timer";
    if ((seen & F_VALUE) != 0) {
      throw new Reject(prefix + ".value", "not allowed for a " + kindName + "; use count and sum");
    }
    if ((seen & F_COUNT) == 0) {
      throw new Reject(prefix + ".count", "missing; a " + kindName + " needs a count");
    }
    if ((seen & F_SUM) == 0) {
      throw new Reject(prefix + ".sum", "missing; a " + kindName + " needs a sum");
    }
    double[] q = quantiles == null ? new double[4] : quantiles;
    if (count > 0) {
      if (quantiles == null) {
        throw new Reject(prefix + ".quantiles", "missing; required when count is above 0");
      }
      for (int i = 0; i < q.length; i++) {
        if (Double.isNaN(q[i])) {
          throw new Reject(
              prefix + ".quantiles." + QUANTILE_KEYS[i], "missing; required when count is above 0");
        }
      }
      if ((seen & F_MAX) == 0) {
        throw new Reject(prefix + ".max", "missing; required when count is above 0");
      }
    } else {
      for (int i = 0; i < q.length; i++) {
        if (Double.isNaN(q[i])) {
          q[i] = 0;
        }
      }
    }
    for (int i = 1; i < q.length; i++) {
      if (q[i] < q[i - 1]) {
        throw new Reject(
            prefix + ".quantiles." + QUANTILE_KEYS[i],
            "smaller than quantile " + QUANTILE_KEYS[i - 1] + "; quantiles must not decrease");
      }
    }
    if ((seen & F_MAX) != 0 && max < q[3]) {
      throw new Reject(prefix + ".max", "smaller than quantile 0.99");
    }
    return new Sample(
        name,
        labels,
        kind,
        count,
        new HistogramValue(count, sum, q[0], q[1], q[2], q[3], max),
        role,
        unit);
  }

  private static int flagOf(String field) {
    return switch (field) {
      case "name" -> F_NAME;
      case "labels" -> F_LABELS;
      case "kind" -> F_KIND;
      case "value" -> F_VALUE;
      case "count" -> F_COUNT;
      case "sum" -> F_SUM;
      case "quantiles" -> F_QUANTILES;
      case "max" -> F_MAX;
      case "role" -> F_ROLE;
      case "unit" -> F_UNIT;
      default -> 0;
    };
  }

  private static void rejectPresent(int seen, int flag, String path, String kindName) {
    if ((seen & flag) != 0) {
      throw new Reject(path, "not allowed for a " + kindName);
    }
  }

  private String readMetricName(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject(at.path(), "must be a string");
    }
    String name = p.getText();
    if (name.length() > settings.maxNameLength()) {
      throw new Reject(at.path(), "longer than " + settings.maxNameLength() + " characters");
    }
    if (!MetricNames.isValidMetricName(name)) {
      throw new Reject(
          at.path(), "'" + clip(name) + "' is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
    }
    return name;
  }

  private Map<String, String> readLabels(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new Reject(at.path(), "must be an object of label names to string values");
    }
    Map<String, String> labels = new HashMap<>();
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
      String label = p.currentName();
      at.key = display(label);
      if (labels.size() >= settings.maxLabels()) {
        throw new Reject(at.path(), "more than " + settings.maxLabels() + " labels");
      }
      if (label.length() > settings.maxNameLength()) {
        throw new Reject(at.path(), "label name longer than " + settings.maxNameLength());
      }
      if (!MetricNames.isValidLabelName(label)) {
        throw new Reject(
            at.path(),
            "'" + clip(label) + "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting __)");
      }
      if (labels.containsKey(label)) {
        throw new Reject(at.path(), "repeated label");
      }
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new Reject(at.path(), "label value must be a string");
      }
      String value = p.getText();
      if (value.isEmpty()) {
        throw new Reject(at.path(), "label value must not be empty (empty means no label)");
      }
      if (value.length() > settings.maxLabelValueLength()) {
        throw new Reject(
            at.path(), "label value longer than " + settings.maxLabelValueLength() + " characters");
      }
      labels.put(label, value);
      at.key = null;
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Reject(at.path(), "expected a label name or '}'");
    }
    return labels;
  }

  private static String readRole(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject(at.path(), "must be a string: one of " + Role.names());
    }
    Role role = Role.find(p.getText());
    if (role == null) {
      throw new Reject(
          at.path(), "unknown role '" + clip(p.getText()) + "'; expected one of " + Role.names());
    }
    return role.id();
  }

  private static String readUnit(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject(at.path(), "must be a string such as s, ms, 1 or By");
    }
    String unit = p.getText();
    if (unit.isBlank() || unit.length() > MAX_UNIT_LENGTH) {
      throw new Reject(at.path(), "must be 1 to " + MAX_UNIT_LENGTH + " characters");
    }
    for (int i = 0; i < unit.length(); i++) {
      if (Character.isISOControl(unit.charAt(i))) {
        throw new Reject(at.path(), "must not contain control characters");
      }
    }
    return unit;
  }

  private static MetricKind readKind(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject(at.path(), "must be a string: counter, gauge, histogram or timer");
    }
    return switch (p.getText()) {
      case "counter" -> MetricKind.COUNTER;
      case "gauge" -> MetricKind.GAUGE;
      case "histogram" -> MetricKind.HISTOGRAM;
      case "timer" -> MetricKind.TIMER;
      default ->
          throw new Reject(
              at.path(),
              "unknown kind '"
                  + clip(p.getText())
                  + "'; expected counter, gauge, histogram or timer");
    };
  }

  private static double readFinite(JsonParser p, Cursor at) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      String text = p.getText().strip();
      String lower = text.toLowerCase(java.util.Locale.ROOT);
      if (lower.matches("[+-]?(nan|inf|infinity)")) {
        throw new Reject(at.path(), "must be a finite number, got '" + clip(text) + "'");
      }
      throw new Reject(at.path(), "must be a number, not a string");
    }
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new Reject(at.path(), "must be a number");
    }
    double value = p.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw new Reject(at.path(), "must be a finite number, got " + p.getText());
    }
    return value;
  }

  private static long readCount(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Reject(at.path(), "must be a whole number");
    }
    long count = p.getLongValue();
    if (count < 0) {
      throw new Reject(at.path(), "must not be negative");
    }
    return count;
  }

  private static double[] readQuantiles(JsonParser p, Cursor at) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new Reject(at.path(), "must be an object such as {\"0.5\": 1.0, \"0.99\": 4.0}");
    }
    double[] q = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      at.key = display(key);
      int slot = -1;
      for (int i = 0; i < QUANTILE_KEYS.length; i++) {
        if (QUANTILE_KEYS[i].equals(key)) {
          slot = i;
        }
      }
      if (slot < 0) {
        throw new Reject(at.path(), "unknown quantile; expected 0.5, 0.9, 0.95 or 0.99");
      }
      if (!Double.isNaN(q[slot])) {
        throw new Reject(at.path(), "repeated quantile");
      }
      p.nextToken();
      q[slot] = readFinite(p, at);
      at.key = null;
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Reject(at.path(), "expected a quantile or '}'");
    }
    return q;
  }

  /** A field name as it appears in a path: empty shown as "", control characters as '?'. */
  private static String display(String name) {
    if (name.isEmpty()) {
      return "\"\"";
    }
    StringBuilder out = new StringBuilder(Math.min(name.length(), 64));
    for (int i = 0; i < name.length() && i < 64; i++) {
      char c = name.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return name.length() > 64 ? out.append("...").toString() : out.toString();
  }

  private static String clip(String text) {
    return oneLine(text.length() > 64 ? text.substring(0, 61) + "..." : text);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ");
  }

  /** Where the parser is, kept as parts so that a path is only built when a batch is refused. */
  private static final class Cursor {
    String top;
    int sample = -1;
    String field;
    String key;

    String path() {
      if (top == null) {
        return "body";
      }
      StringBuilder out = new StringBuilder(top);
      if (sample >= 0) {
        out.append('[').append(sample).append(']');
        if (field != null) {
          out.append('.').append(field);
          if (key != null) {
            out.append('.').append(key);
          }
        }
      }
      return out.toString();
    }
  }

  private record SeriesKey(String name, Map<String, String> labels) {}

  /** A refusal carried out of the nested readers; no stack trace (it is not a bug). */
  private static final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String field;

    Reject(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
