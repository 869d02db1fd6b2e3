package io.pipewatch.collector.scrape;

import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.MetricNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format) into {@link
 * Sample}s. It never throws on bad input: a line it cannot use is skipped and counted, and the
 * result keeps the first {@value #MAX_ERRORS} errors with their line numbers.
 *
 * <p>Mapping:
 *
 * <ul>
 *   <li>{@code counter} lines become counters; {@code gauge} and {@code untyped} lines (and lines
 *       without a TYPE) become gauges.
 *   <li>A {@code histogram} family {@code x} becomes one {@link MetricKind#HISTOGRAM} sample per
 *       label set (without {@code le}), named {@code x}, with count, sum and quantiles 0.5, 0.9,
 *       0.95, 0.99 estimated from the cumulative buckets by linear interpolation inside the bucket
 *       that holds the rank, as PromQL's {@code histogram_quantile} does (the first bucket's lower
 *       bound is 0 when its upper bound is positive; a rank in the {@code +Inf} bucket yields the
 *       highest finite bound). {@code max} is the upper bound of the highest bucket that holds an
 *       observation (the highest finite bound when that is {@code +Inf}). An empty histogram has
 *       all quantiles 0 (PromQL would say NaN).
 *   <li>A {@code summary} family becomes a {@link MetricKind#HISTOGRAM} sample with the reported
 *       quantiles; a wanted quantile the summary does not report is interpolated linearly between
 *       its neighbours (or taken from the nearest one); {@code max} is quantile 1 when reported,
 *       else the highest reported quantile.
 *   <li>A histogram or summary without quantile information (no finite bucket; no quantile, or only
 *       NaN quantiles) is published as its two counters {@code x_sum} and {@code x_count}.
 *   <li>Samples whose value is NaN or infinite are dropped and counted in {@link
 *       ParseResult#nonFiniteSkipped()}: the rest of Pipewatch only holds finite values. Timestamps
 *       are validated and otherwise ignored (a batch has one timestamp).
 * </ul>
 *
 * <p>Bad lines: malformed syntax, invalid names, bad escapes, unparsable values or timestamps, a
 * second TYPE for a family or a TYPE after its samples, repeated series, bucket lines without
 * {@code le}, summary lines without {@code quantile}; a histogram or summary family without sum or
 * count, or with decreasing buckets, counts as one bad line (the line of its first sample) and its
 * lines are not counted as sample lines.
 */
public final class TextFormatParser {

  /** How many errors a result keeps (all are counted). */
  public static final int MAX_ERRORS = 5;

  private static final double[] WANTED = {0.5, 0.9, 0.95, 0.99};

  /** One unusable line: its 1-based number and what is wrong with it. */
  public record ParseError(int line, String message) {}

  /**
   * What a text yielded.
   *
   * @param samples the usable samples, in order of first appearance
   * @param sampleLines sample lines read without error
   * @param badLines lines (or families) that could not be used
   * @param nonFiniteSkipped samples dropped because their value was NaN or infinite
   * @param errors the first {@value #MAX_ERRORS} errors
   */
  public record ParseResult(
      List<Sample> samples,
      int sampleLines,
      int badLines,
      int nonFiniteSkipped,
      List<ParseError> errors) {
    public ParseResult {
      samples = List.copyOf(samples);
      errors = List.copyOf(errors);
    }
  }

  private enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM,
    SUMMARY,
    UNTYPED
  }

  private TextFormatParser() {}

  /** Parses {@code text}; never throws. */
  public static ParseResult parse(String text) {
    return new Run(text).parse();
  }

  /** A parse in progress: the state of one text. */
  private static final class Run {
    private final String text;
    private final Map<String, Type> types = new HashMap<>();
    private final Set<String> namesWithSamples = new HashSet<>();
    private final Set<Series> seriesSeen = new HashSet<>();

    /** Output in order: a {@link Sample} or a {@link Group} finished at the end. */
    private final List<Object> entries = new ArrayList<>();

    private final Map<Series, Group> groups = new LinkedHashMap<>();
    private final List<ParseError> errors = new ArrayList<>();
    private int badLines;
    private int sampleLines;
    private int nonFinite;

    // The line being parsed.
    private int lineNo;
    private int pos;
    private int end;

    Run(String text) {
      this.text = text;
    }

    ParseResult parse() {
      int start = 0;
      int length = text.length();
      while (start < length) {
        int newline = text.indexOf('\n', start);
        int lineEnd = newline < 0 ? length : newline;
        lineNo++;
        pos = start;
        end = lineEnd;
        try {
          parseLine();
        } catch (BadLine e) {
          bad(lineNo, e.getMessage());
        } catch (RuntimeException e) {
          bad(lineNo, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        start = lineEnd + 1;
      }
      List<Sample> samples = new ArrayList<>(entries.size());
      for (Object entry : entries) {
        if (entry instanceof Sample sample) {
          samples.add(sample);
        } else {
          Group group = (Group) entry;
          int badBefore = badLines;
          finish(group, samples);
          if (badLines > badBefore) {
            sampleLines -= group.lines; // the family counts once, as a bad line
          }
        }
      }
      return new ParseResult(samples, sampleLines, badLines, nonFinite, errors);
    }

    private void bad(int line, String message) {
      badLines++;
      if (errors.size() < MAX_ERRORS) {
        errors.add(new ParseError(line, message));
      }
    }

    private void parseLine() {
      skipBlanks();
      if (pos >= end || (end - pos == 1 && text.charAt(pos) == '\r')) {
        return;
      }
      if (text.charAt(pos) == '#') {
        parseComment();
        return;
      }
      parseSample();
    }

    private void parseComment() {
      pos++;
      skipBlanks();
      String keyword = token();
      if (!keyword.equals("TYPE") && !keyword.equals("HELP")) {
        return; // an ordinary comment
      }
      skipBlanks();
      String name = token();
      if (!MetricNames.isValidMetricName(name)) {
        throw new BadLine("# " + keyword + " names an invalid metric '" + clip(name) + "'");
      }
      if (keyword.equals("HELP")) {
        return; // the help text is not kept
      }
      skipBlanks();
      String typeName = token();
      Type type =
          switch (typeName) {
            case "counter" -> Type.COUNTER;
            case "gauge" -> Type.GAUGE;
            case "histogram" -> Type.HISTOGRAM;
            case "summary" -> Type.SUMMARY;
            case "untyped" -> Type.UNTYPED;
            default -> throw new BadLine("unknown type '" + clip(typeName) + "' for " + name);
          };
      skipBlanks();
      if (pos < end && !(end - pos == 1 && text.charAt(pos) == '\r')) {
        throw new BadLine("unexpected text after # TYPE " + name + " " + typeName);
      }
      if (types.containsKey(name)) {
        throw new BadLine("second # TYPE for " + name);
      }
      if (namesWithSamples.contains(name)) {
        throw new BadLine("# TYPE for " + name + " after its samples");
      }
      types.put(name, type);
    }

    private void parseSample() {
      int nameStart = pos;
      while (pos < end && isNameChar(text.charAt(pos))) {
        pos++;
      }
      String name = text.substring(nameStart, pos);
      if (!MetricNames.isValidMetricName(name)) {
        throw new BadLine("invalid metric name '" + clip(text.substring(nameStart, end)) + "'");
      }
      Map<String, String> labels = Map.of();
      skipBlanks();
      if (pos < end && text.charAt(pos) == '{') {
        pos++;
        labels = parseLabels();
      }
      skipBlanks();
      String valueToken = token();
      if (valueToken.isEmpty()) {
        throw new BadLine("missing value for " + name);
      }
      double value = parseValue(valueToken);
      skipBlanks();
      String timestamp = token();
      if (!timestamp.isEmpty()) {
        parseTimestamp(timestamp);
        skipBlanks();
      }
      if (pos < end && !(end - pos == 1 && text.charAt(pos) == '\r')) {
        throw new BadLine("unexpected text after the value of " + name);
      }
      accept(name, labels, value);
    }

    private Map<String, String> parseLabels() {
      Map<String, String> labels = new TreeMap<>();
      while (true) {
        skipBlanks();
        if (pos >= end) {
          throw new BadLine("unterminated label set");
        }
        if (text.charAt(pos) == '}') {
          pos++;
          return labels;
        }
        int nameStart = pos;
        while (pos < end && isNameChar(text.charAt(pos)) && text.charAt(pos) != ':') {
          pos++;
        }
        String label = text.substring(nameStart, pos);
        if (label.isEmpty() || Character.isDigit(label.charAt(0))) {
          throw new BadLine("invalid label name at column " + (nameStart - lineStart() + 1));
        }
        skipBlanks();
        expect('=');
        skipBlanks();
        expect('"');
        StringBuilder value = new StringBuilder();
        boolean closed = false;
        while (pos < end) {
          char c = text.charAt(pos++);
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (pos >= end) {
              break;
            }
            char escaped = text.charAt(pos++);
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new BadLine("invalid escape \\" + escaped + " in label " + label);
            }
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new BadLine("unterminated value of label " + label);
        }
        if (labels.put(label, value.toString()) != null) {
          throw new BadLine("repeated label " + label);
        }
        skipBlanks();
        if (pos < end && text.charAt(pos) == ',') {
          pos++;
        } else if (pos >= end || text.charAt(pos) != '}') {
          throw new BadLine("expected ',' or '}' after label " + label);
        }
      }
    }

    private int lineStart() {
      int newline = text.lastIndexOf('\n', end - 1);
      return newline + 1;
    }

    private void expect(char c) {
      if (pos >= end || text.charAt(pos) != c) {
        throw new BadLine("expected '" + c + "' at column " + (pos - lineStart() + 1));
      }
      pos++;
    }

    private void accept(String name, Map<String, String> labels, double value) {
      Type declared = types.get(name);
      if (declared == Type.HISTOGRAM) {
        throw new BadLine("histogram " + name + " has a sample without _bucket, _sum or _count");
      }
      if (declared == Type.SUMMARY) {
        groupSample(name, name, Type.SUMMARY, labels, value);
        return;
      }
      if (declared == null) {
        String base = baseOf(name);
        Type baseType = base == null ? null : types.get(base);
        if (baseType == Type.HISTOGRAM || (baseType == Type.SUMMARY && !name.endsWith("_bucket"))) {
          groupSample(base, name, baseType, labels, value);
          return;
        }
      }
      if (!seriesSeen.add(new Series(name, labels))) {
        throw new BadLine("repeated series " + name + labels);
      }
      namesWithSamples.add(name);
      sampleLines++;
      if (!Double.isFinite(value)) {
        nonFinite++;
        return;
      }
      entries.add(
          declared == Type.COUNTER
              ? Sample.counter(name, labels, value)
              : Sample.gauge(name, labels, value));
    }

    /** A line of a histogram or summary family {@code base}. */
    private void groupSample(
        String base, String name, Type type, Map<String, String> labels, double value) {
      String suffix = name.substring(base.length());
      String boundLabel = type == Type.HISTOGRAM ? "le" : "quantile";
      boolean isBound = suffix.equals("_bucket") || (type == Type.SUMMARY && suffix.isEmpty());
      double bound = Double.NaN;
      Map<String, String> groupLabels = labels;
      if (isBound) {
        String boundText = labels.get(boundLabel);
        if (boundText == null) {
          throw new BadLine(name + " without the " + boundLabel + " label");
        }
        bound = parseValue(boundText);
        if (Double.isNaN(bound) || bound == Double.NEGATIVE_INFINITY) {
          throw new BadLine(boundLabel + "=\"" + clip(boundText) + "\" on " + name);
        }
        groupLabels = new TreeMap<>(labels);
        groupLabels.remove(boundLabel);
      }
      Series seriesKey = new Series(base, groupLabels);
      Group group = groups.get(seriesKey);
      if (group == null) {
        group = new Group(base, type, groupLabels, lineNo);
        groups.put(seriesKey, group);
        entries.add(group);
      }
      switch (suffix) {
        case "_sum" -> {
          if (group.hasSum) {
            throw new BadLine("repeated series " + name + labels);
          }
          group.hasSum = true;
          group.sum = value;
        }
        case "_count" -> {
          if (group.hasCount) {
            throw new BadLine("repeated series " + name + labels);
          }
          group.hasCount = true;
          group.count = value;
        }
        default -> {
          if (group.bounds.put(bound, value) != null) {
            throw new BadLine("repeated series " + name + labels);
          }
        }
      }
      namesWithSamples.add(base);
      namesWithSamples.add(name);
      sampleLines++;
      group.lines++;
    }

    private void finish(Group group, List<Sample> out) {
      if (!group.hasSum || !group.hasCount) {
        if (!(group.type == Type.HISTOGRAM && group.hasSum && group.bounds.containsKey(inf()))) {
          bad(group.firstLine, group.name + group.labels + " lacks its _sum or _count");
          return;
        }
        group.count = group.bounds.get(inf());
      }
      if (!Double.isFinite(group.sum) || !Double.isFinite(group.count) || group.count < 0) {
        nonFinite++;
        return;
      }
      long count = (long) Math.min(group.count, Long.MAX_VALUE);
      double[] q =
          group.type == Type.HISTOGRAM ? histogramQuantiles(group) : summaryQuantiles(group);
      if (q == BAD) {
        return;
      }
      if (q != null) {
        for (double value : q) {
          if (!Double.isFinite(value)) {
            nonFinite++; // bounds so far apart that interpolation overflows
            return;
          }
        }
      }
      if (q == null) {
        out.add(Sample.counter(group.name + "_sum", group.labels, group.sum));
        out.add(Sample.counter(group.name + "_count", group.labels, group.count));
        return;
      }
      out.add(
          new Sample(
              group.name,
              group.labels,
              MetricKind.HISTOGRAM,
              count,
              new HistogramValue(count, group.sum, q[0], q[1], q[2], q[3], q[4])));
    }

    private static final double[] BAD = new double[0];

    /** PromQL's bucketQuantile on cumulative buckets; {@code {p50, p90, p95, p99, max}}. */
    private double[] histogramQuantiles(Group group) {
      int n = group.bounds.size();
      double[] upper = new double[n];
      double[] cumulative = new double[n];
      int i = 0;
      for (Map.Entry<Double, Double> bucket : group.bounds.entrySet()) {
        upper[i] = bucket.getKey();
        cumulative[i] = bucket.getValue();
        if (!Double.isFinite(cumulative[i]) || cumulative[i] < 0) {
          bad(
              group.firstLine,
              group.name + group.labels + " has a bucket count that is not a count");
          return BAD;
        }
        if (i > 0 && cumulative[i] < cumulative[i - 1]) {
          bad(group.firstLine, group.name + group.labels + " has decreasing bucket counts");
          return BAD;
        }
        i++;
      }
      int finite = 0;
      while (finite < n && upper[finite] != Double.POSITIVE_INFINITY) {
        finite++;
      }
      if (finite == 0) {
        return null;
      }
      double total = finite < n ? cumulative[n - 1] : cumulative[finite - 1];
      double[] out = new double[5];
      if (total <= 0) {
        return out;
      }
      for (int w = 0; w < WANTED.length; w++) {
        out[w] = bucketQuantile(WANTED[w] * total, upper, cumulative, finite);
      }
      // The highest bucket holding an observation.
      int top = n - 1;
      while (top > 0 && cumulative[top] == cumulative[top - 1]) {
        top--;
      }
      out[4] = top >= finite ? upper[finite - 1] : upper[top];
      out[4] = Math.max(out[4], out[3]);
      return out;
    }

    private static double bucketQuantile(
        double rank, double[] upper, double[] cumulative, int finite) {
      int b = 0;
      while (b < cumulative.length && cumulative[b] < rank) {
        b++;
      }
      if (b >= finite) {
        return upper[finite - 1];
      }
      if (b == 0 && upper[0] <= 0) {
        return upper[0];
      }
      double lower = b == 0 ? 0 : upper[b - 1];
      double below = b == 0 ? 0 : cumulative[b - 1];
      double inBucket = cumulative[b] - below;
      if (inBucket <= 0) {
        return upper[b];
      }
      return lower + (upper[b] - lower) * ((rank - below) / inBucket);
    }

    /** The wanted quantiles from a summary's reported ones; null when it reports none. */
    private double[] summaryQuantiles(Group group) {
      List<double[]> points = new ArrayList<>();
      for (Map.Entry<Double, Double> entry : group.bounds.entrySet()) {
        double q = entry.getKey();
        if (q < 0 || q > 1) {
          bad(group.firstLine, group.name + group.labels + " has quantile " + q + " outside 0..1");
          return BAD;
        }
        if (Double.isFinite(entry.getValue())) {
          points.add(new double[] {q, entry.getValue()});
        }
      }
      if (points.isEmpty()) {
        return null;
      }
      double[] out = new double[5];
      for (int w = 0; w < WANTED.length; w++) {
        out[w] = interpolate(points, WANTED[w]);
      }
      out[4] = points.get(points.size() - 1)[1];
      for (int k = 1; k < out.length; k++) {
        out[k] = Math.max(out[k], out[k - 1]); // quantiles of a window may be slightly disordered
      }
      return out;
    }

    private static double interpolate(List<double[]> points, double q) {
      double[] first = points.get(0);
      if (q <= first[0]) {
        return first[1];
      }
      for (int k = 1; k < points.size(); k++) {
        double[] hi = points.get(k);
        if (q <= hi[0]) {
          double[] lo = points.get(k - 1);
          return lo[1] + (hi[1] - lo[1]) * ((q - lo[0]) / (hi[0] - lo[0]));
        }
      }
      return points.get(points.size() - 1)[1];
    }

    private static Double inf() {
      return Double.POSITIVE_INFINITY;
    }

    private static String baseOf(String name) {
      for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
        if (name.endsWith(suffix) && name.length() > suffix.length()) {
          return name.substring(0, name.length() - suffix.length());
        }
      }
      return null;
    }

    private void skipBlanks() {
      while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
    }

    /** The next run of non-blank characters (without a trailing carriage return). */
    private String token() {
      int start = pos;
      while (pos < end && text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
        pos++;
      }
      int stop = pos;
      if (stop > start && stop == end && text.charAt(stop - 1) == '\r') {
        stop--;
      }
      return text.substring(start, stop);
    }

    private static boolean isNameChar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == ':';
    }
  }

  /** A float as Go's strconv.ParseFloat reads it in the text format (NaN, +Inf, -Inf, Inf). */
  static double parseValue(String token) {
    switch (token.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "+inf":
      case "inf":
      case "+infinity":
      case "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    boolean digit = false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
        throw new BadLine("invalid value '" + clip(token) + "'");
      }
    }
    if (!digit) {
      throw new BadLine("invalid value '" + clip(token) + "'");
    }
    try {
      return Double.parseDouble(token);
    } catch (NumberFormatException e) {
      throw new BadLine("invalid value '" + clip(token) + "'");
    }
  }

  private static void parseTimestamp(String token) {
    try {
      Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw new BadLine("invalid timestamp '" + clip(token) + "'");
    }
  }

  private static String clip(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\t]", " ");
    return oneLine.length() > 64 ? oneLine.substring(0, 61) + "..." : oneLine;
  }

  private record Series(String name, Map<String, String> labels) {}

  /** The lines of one histogram or summary series seen so far. */
  private static final class Group {
    final String name;
    final Type type;
    final Map<String, String> labels;
    final int firstLine;

    /** Bucket upper bound (or quantile) to cumulative count (or value), sorted. */
    final TreeMap<Double, Double> bounds = new TreeMap<>();

    int lines;
    boolean hasSum;
    boolean hasCount;
    double sum;
    double count;

    Group(String name, Type type, Map<String, String> labels, int firstLine) {
      this.name = name;
      this.type = type;
      this.labels = labels;
      this.firstLine = firstLine;
    }
  }

  /** A line that cannot be used; caught per line. */
  private static final class BadLine extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message, null, false, false);
    }
  }
}
