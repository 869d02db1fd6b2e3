package io.pipewatch.collector.ingest.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.pipewatch.collector.HistogramValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * One OTLP data point's value as Pipewatch takes it, for {@link OtlpDecoder}: attribute values as
 * label text, a number point's finite value, an explicit-bucket histogram checked (bounds
 * ascending, buckets adding up to the count) and turned into quantiles by {@link BucketQuantiles},
 * a summary's quantiles interpolated to p50/p90/p95/p99. Each refusal names the point's path.
 */
final class OtlpPoints {
  private OtlpPoints() {}

  /** An attribute value as label text: scalars as written, arrays and maps as JSON-like text. */
  static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE ->
          java.util.Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        StringBuilder b = new StringBuilder("[");
        for (AnyValue v : value.getArrayValue().getValuesList()) {
          b.append(b.length() > 1 ? "," : "").append(text(v));
        }
        yield b.append(']').toString();
      }
      case KVLIST_VALUE -> {
        StringBuilder b = new StringBuilder("{");
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          b.append(b.length() > 1 ? "," : "")
              .append(kv.getKey())
              .append(':')
              .append(text(kv.getValue()));
        }
        yield b.append('}').toString();
      }
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
    };
  }

  static double number(NumberDataPoint p, String at) throws PointRefused {
    double value =
        switch (p.getValueCase()) {
          case AS_DOUBLE -> p.getAsDouble();
          case AS_INT -> p.getAsInt();
          case VALUE_NOT_SET -> throw new PointRefused(at + ": no value (asDouble or asInt)");
        };
    if (!Double.isFinite(value)) {
      throw new PointRefused(at + ".asDouble: not finite (" + value + ")");
    }
    return value;
  }

  static HistogramValue explicit(HistogramDataPoint p, String at) throws PointRefused {
    int bounds = p.getExplicitBoundsCount();
    int buckets = p.getBucketCountsCount();
    if (buckets != 0 && buckets != bounds + 1) {
      throw new PointRefused(
          at
              + ".bucketCounts: "
              + buckets
              + " buckets for "
              + bounds
              + " explicit bounds; expected bounds + 1");
    }
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < bounds; i++) {
      double b = p.getExplicitBounds(i);
      if (!Double.isFinite(b) || b <= previous) {
        throw new PointRefused(
            at + ".explicitBounds[" + i + "]: bounds must be finite and strictly ascending");
      }
      previous = b;
    }
    long total = 0;
    for (int i = 0; i < buckets; i++) {
      long c = p.getBucketCounts(i);
      total += c;
      if (c < 0 || total < 0) {
        throw new PointRefused(at + ".bucketCounts[" + i + "]: count out of range");
      }
    }
    long count = p.getCount();
    if (count < 0) {
      throw new PointRefused(at + ".count: out of range");
    }
    if (buckets != 0 && total != count) {
      throw new PointRefused(at + ".bucketCounts: add up to " + total + " but count is " + count);
    }
    double sum = sumOf(p.hasSum(), p.getSum(), count, at);
    double min = minMax(p.hasMin(), p.getMin(), at + ".min");
    double max = minMax(p.hasMax(), p.getMax(), at + ".max");
    double[] lower = new double[buckets];
    double[] upper = new double[buckets];
    long[] counts = new long[buckets];
    for (int i = 0; i < buckets; i++) {
      lower[i] = i == 0 ? Double.NEGATIVE_INFINITY : p.getExplicitBounds(i - 1);
      upper[i] = i == bounds ? Double.POSITIVE_INFINITY : p.getExplicitBounds(i);
      counts[i] = p.getBucketCounts(i);
    }
    if (buckets > 0) {
      // Prometheus' convention: the first bucket starts at 0 when its upper bound is positive.
      lower[0] = !Double.isNaN(min) ? Math.min(min, upper[0]) : upper[0] > 0 ? 0 : upper[0];
      if (!Double.isNaN(max)) {
        upper[buckets - 1] = Math.max(max, lower[buckets - 1]);
      }
    }
    return BucketQuantiles.of(lower, upper, counts, buckets, count, sum, min, max);
  }

  static double sumOf(boolean has, double sum, long count, String at) throws PointRefused {
    if (!has) {
      if (count == 0) {
        return 0;
      }
      throw new PointRefused(at + ".sum: missing; Pipewatch needs the sum of a histogram");
    }
    if (!Double.isFinite(sum)) {
      throw new PointRefused(at + ".sum: not finite (" + sum + ")");
    }
    return sum;
  }

  static double minMax(boolean has, double value, String at) throws PointRefused {
    if (!has) {
      return Double.NaN;
    }
    if (!Double.isFinite(value)) {
      throw new PointRefused(at + ": not finite (" + value + ")");
    }
    return value;
  }

  static HistogramValue summary(SummaryDataPoint p, String at) throws PointRefused {
    long count = p.getCount();
    if (count < 0) {
      throw new PointRefused(at + ".count: out of range");
    }
    if (!Double.isFinite(p.getSum())) {
      throw new PointRefused(at + ".sum: not finite (" + p.getSum() + ")");
    }
    TreeMap<Double, Double> given = new TreeMap<>();
    for (int i = 0; i < p.getQuantileValuesCount(); i++) {
      var qv = p.getQuantileValues(i);
      if (!(qv.getQuantile() >= 0 && qv.getQuantile() <= 1) || !Double.isFinite(qv.getValue())) {
        throw new PointRefused(
            at + ".quantileValues[" + i + "]: quantile must be in [0, 1], value finite");
      }
      given.put(qv.getQuantile(), qv.getValue());
    }
    if (count > 0 && given.isEmpty()) {
      throw new PointRefused(at + ".quantileValues: missing; required when count is above 0");
    }
    double[] q = {0.5, 0.9, 0.95, 0.99};
    double[] v = new double[4];
    for (int k = 0; k < 4 && count > 0; k++) {
      v[k] = interpolate(given, q[k]);
      if (k > 0 && v[k] < v[k - 1]) {
        throw new PointRefused(at + ".quantileValues: values decrease as quantiles rise");
      }
    }
    double max = count > 0 ? Math.max(given.lastEntry().getValue(), v[3]) : 0;
    return new HistogramValue(count, p.getSum(), v[0], v[1], v[2], v[3], max);
  }

  private static double interpolate(TreeMap<Double, Double> given, double q) {
    Map.Entry<Double, Double> lo = given.floorEntry(q);
    Map.Entry<Double, Double> hi = given.ceilingEntry(q);
    if (lo == null) {
      return hi.getValue();
    }
    if (hi == null || hi.getKey().equals(lo.getKey())) {
      return lo.getValue();
    }
    double f = (q - lo.getKey()) / (hi.getKey() - lo.getKey());
    return lo.getValue() + f * (hi.getValue() - lo.getValue());
  }
}
