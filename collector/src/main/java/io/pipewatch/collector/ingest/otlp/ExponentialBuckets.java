package io.pipewatch.collector.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.pipewatch.collector.HistogramValue;

/**
 * An OTLP exponential histogram as count, sum and quantiles. With {@code base = 2^(2^-scale)},
 * positive bucket {@code offset + i} holds values in {@code (base^(offset+i), base^(offset+i+1)]},
 * negative buckets mirror them below zero and the zero bucket holds {@code [-zero_threshold,
 * zero_threshold]} (OpenTelemetry metrics data model, "ExponentialHistogram"). The buckets are laid
 * out in ascending value order and handed to {@link BucketQuantiles}.
 */
final class ExponentialBuckets {
  /** More buckets than OpenTelemetry's default maximum (160 per side) with room to spare. */
  static final int MAX_BUCKETS = 4096;

  private ExponentialBuckets() {}

  static HistogramValue of(ExponentialHistogramDataPoint p, String at) throws PointRefused {
    int scale = p.getScale();
    if (scale < -10 || scale > 20) {
      throw new PointRefused(at + ".scale: " + scale + " outside [-10, 20]");
    }
    var pos = p.getPositive();
    var neg = p.getNegative();
    int n = pos.getBucketCountsCount() + neg.getBucketCountsCount() + 1;
    if (n > MAX_BUCKETS) {
      throw new PointRefused(at + ": more than " + MAX_BUCKETS + " buckets");
    }
    double zero = p.getZeroThreshold();
    if (!(zero >= 0) || !Double.isFinite(zero)) {
      throw new PointRefused(at + ".zeroThreshold: must be a finite number >= 0");
    }
    double[] lower = new double[n];
    double[] upper = new double[n];
    long[] counts = new long[n];
    int k = 0;
    long total = 0;
    for (int i = neg.getBucketCountsCount() - 1; i >= 0; i--) {
      long index = (long) neg.getOffset() + i;
      lower[k] = -bound(index + 1, scale, at);
      upper[k] = -bound(index, scale, at);
      counts[k] = neg.getBucketCounts(i);
      total = add(total, counts[k], at + ".negative.bucketCounts[" + i + "]");
      k++;
    }
    lower[k] = -zero;
    upper[k] = zero;
    counts[k] = p.getZeroCount();
    total = add(total, counts[k], at + ".zeroCount");
    k++;
    for (int i = 0; i < pos.getBucketCountsCount(); i++) {
      long index = (long) pos.getOffset() + i;
      lower[k] = bound(index, scale, at);
      upper[k] = bound(index + 1, scale, at);
      counts[k] = pos.getBucketCounts(i);
      total = add(total, counts[k], at + ".positive.bucketCounts[" + i + "]");
      k++;
    }
    long count = p.getCount();
    if (total != count) {
      throw new PointRefused(at + ": buckets add up to " + total + " but count is " + count);
    }
    double sum = OtlpPoints.sumOf(p.hasSum(), p.getSum(), count, at);
    double min = OtlpPoints.minMax(p.hasMin(), p.getMin(), at + ".min");
    double max = OtlpPoints.minMax(p.hasMax(), p.getMax(), at + ".max");
    return BucketQuantiles.of(lower, upper, counts, n, count, sum, min, max);
  }

  private static double bound(long index, int scale, String at) throws PointRefused {
    double value = Math.pow(2, index * Math.pow(2, -scale));
    if (!Double.isFinite(value)) {
      throw new PointRefused(at + ": bucket index " + index + " out of range at scale " + scale);
    }
    return value;
  }

  private static long add(long total, long count, String at) throws PointRefused {
    if (count < 0 || total + count < 0) {
      throw new PointRefused(at + ": count out of range");
    }
    return total + count;
  }
}
