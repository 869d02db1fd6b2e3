package io.pipewatch.collector.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {
  static final long NOW = 1_732_350_000_000L;
  static final long NOW_NANOS = NOW * 1_000_000L;
  final OtlpDecoder decoder =
      OtlpDecoder.create(IngestSettings.defaults(), OtlpSettings.defaults());

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static ExportMetricsServiceRequest request(Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "checkout"))
                        .addAttributes(attr("service.instance.id", "pod-7"))
                        .addAttributes(attr("telemetry.sdk.language", "java")))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(Arrays.asList(metrics))))
        .build();
  }

  static NumberDataPoint point(double value, KeyValue... attributes) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(NOW_NANOS)
        .setAsDouble(value)
        .addAllAttributes(Arrays.asList(attributes))
        .build();
  }

  static Metric gauge(String name, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit("1")
        .setDescription("in the queue")
        .setGauge(Gauge.newBuilder().addAllDataPoints(Arrays.asList(points)))
        .build();
  }

  static Metric sum(String name, boolean monotonic, AggregationTemporality t, NumberDataPoint p) {
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(monotonic)
                .setAggregationTemporality(t)
                .addDataPoints(p))
        .build();
  }

  static Metric histogram(List<Double> bounds, List<Long> counts, long count, double sum) {
    return Metric.newBuilder()
        .setName("http.server.duration")
        .setUnit("s")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(
                    HistogramDataPoint.newBuilder()
                        .setTimeUnixNano(NOW_NANOS)
                        .addAllExplicitBounds(bounds)
                        .addAllBucketCounts(counts)
                        .setCount(count)
                        .setSum(sum)
                        .setMax(0.9)))
        .build();
  }

  OtlpDecoder.Decoded decoded(ExportMetricsServiceRequest request) {
    OtlpDecoder.Result result =
        decoder.decode(request.toByteArray(), OtlpDecoder.Format.PROTOBUF, NOW);
    assertThat(result).isInstanceOf(OtlpDecoder.Decoded.class);
    return (OtlpDecoder.Decoded) result;
  }

  @Test
  void gaugeSumAndHistogramBecomeSamplesOfTheServiceSource() {
    var d =
        decoded(
            request(
                gauge("queue.depth", point(17.5, attr("stage", "parse"))),
                sum(
                    "jobs.done",
                    true,
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                    point(42)),
                sum(
                    "pool.in_use",
                    false,
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                    point(-3)),
                histogram(List.of(0.1, 0.5, 1.0), List.of(50L, 40L, 10L, 0L), 100, 20)));
    assertThat(d.rejectedPoints()).isZero();
    assertThat(d.batches()).hasSize(1);
    var batch = d.batches().get(0);
    assertThat(batch.ingest().sourceId()).isEqualTo("checkout@pod-7");
    assertThat(batch.ingest().timestampMillis()).isEqualTo(NOW);
    List<Sample> s = batch.ingest().samples();
    // the metric's unit travels with the sample, for the semantic roles
    assertThat(s.get(0))
        .isEqualTo(
            new Sample(
                "queue_depth", Map.of("stage", "parse"), MetricKind.GAUGE, 17.5, null, null, "1"));
    assertThat(s.get(1)).isEqualTo(Sample.counter("jobs_done_total", Map.of(), 42));
    assertThat(s.get(2)).isEqualTo(Sample.gauge("pool_in_use", Map.of(), -3));
    HistogramValue h = s.get(3).histogram();
    assertThat(s.get(3).kind()).isEqualTo(MetricKind.HISTOGRAM);
    assertThat(s.get(3).name()).isEqualTo("http_server_duration");
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.sum()).isEqualTo(20);
    assertThat(h.p50()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(h.p90()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(h.p95()).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(h.max()).isEqualTo(0.9);
    assertThat(batch.meta().get(0))
        .isEqualTo(new OtlpDecoder.PointMeta("1", "in the queue", false));
    assertThat(batch.meta().get(3).unit()).isEqualTo("s");
    assertThat(s.get(3).unit()).isEqualTo("s");
  }

  @Test
  void jsonBodiesDecodeLikeProtobuf() {
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
          "scopeMetrics":[{"metrics":[{"name":"temp","gauge":{"dataPoints":[
            {"timeUnixNano":"%d","asInt":"21","attributes":[{"key":"room","value":{"stringValue":"a"}}]}]}}]}]}]}
        """
            .formatted(NOW_NANOS);
    var result =
        decoder.decode(json.getBytes(StandardCharsets.UTF_8), OtlpDecoder.Format.JSON, NOW);
    var d = (OtlpDecoder.Decoded) result;
    assertThat(d.batches().get(0).ingest().sourceId()).isEqualTo("svc");
    assertThat(d.batches().get(0).ingest().samples())
        .containsExactly(Sample.gauge("temp", Map.of("room", "a"), 21));
  }

  @Test
  void deltaSumsAddUpAndUndo() {
    var metric = sum("hits", true, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, point(5));
    DeltaTotals totals = new DeltaTotals(10);
    var batch = decoded(request(metric)).batches().get(0);
    assertThat(batch.meta().get(0).delta()).isTrue();
    assertThat(totals.apply(batch).ingest().samples().get(0).value()).isEqualTo(5);
    var second = totals.apply(batch);
    assertThat(second.ingest().samples().get(0).value()).isEqualTo(10);
    second.undo();
    assertThat(totals.apply(batch).ingest().samples().get(0).value()).isEqualTo(10);
  }

  @Test
  void exponentialHistogramKeptAsQuantiles() {
    var p =
        ExponentialHistogramDataPoint.newBuilder()
            .setTimeUnixNano(NOW_NANOS)
            .setScale(0)
            .setCount(10)
            .setSum(30)
            .setZeroCount(0)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(1)
                    .addBucketCounts(5) // (2, 4]
                    .addBucketCounts(5)); // (4, 8]
    var metric =
        Metric.newBuilder()
            .setName("size")
            .setExponentialHistogram(
                io.opentelemetry.proto.metrics.v1.ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(p))
            .build();
    HistogramValue h =
        decoded(request(metric)).batches().get(0).ingest().samples().get(0).histogram();
    assertThat(h.count()).isEqualTo(10);
    assertThat(h.p50()).isEqualTo(4.0);
    assertThat(h.p90()).isEqualTo(7.2);
    assertThat(h.max()).isEqualTo(8.0);
  }

  @Test
  void badPointsAreRejectedByCountAndTheRestKept() {
    var d =
        decoded(
            request(
                gauge("ok", point(1)),
                gauge("nan", point(Double.NaN)),
                gauge("inf", point(Double.POSITIVE_INFINITY)),
                histogram(List.of(0.1, 0.5), List.of(1L, 1L, 1L), 5, 1),
                gauge("dup", point(1), point(2))));
    assertThat(d.acceptedPoints()).isEqualTo(2);
    assertThat(d.rejectedPoints()).isEqualTo(4);
    assertThat(d.rejection()).contains("metrics[1].gauge.dataPoints[0].asDouble: not finite");
    assertThat(d.batches().get(0).ingest().samples())
        .extracting(Sample::name)
        .containsExactly("ok", "dup");
  }

  @Test
  void histogramWhoseBucketsDoNotAddUpIsNamed() {
    var d = decoded(request(histogram(List.of(0.1), List.of(1L, 1L), 3, 1)));
    assertThat(d.batches()).isEmpty();
    assertThat(d.rejection()).contains("bucketCounts: add up to 2 but count is 3");
  }

  @Test
  void pointWithTooManyAttributesIsRefused() {
    KeyValue[] many = new KeyValue[100_000];
    for (int i = 0; i < many.length; i++) {
      many[i] = attr("k" + i, "v");
    }
    var huge =
        OtlpDecoder.create(
            new IngestSettings(
                64 << 20,
                1000,
                32,
                256,
                1024,
                256,
                java.time.Duration.ofSeconds(10),
                java.time.Duration.ofMinutes(1)),
            OtlpSettings.defaults());
    var result =
        (OtlpDecoder.Decoded)
            huge.decode(
                request(gauge("g", point(1, many))).toByteArray(),
                OtlpDecoder.Format.PROTOBUF,
                NOW);
    assertThat(result.rejectedPoints()).isEqualTo(1);
    assertThat(result.rejection()).contains("100000 attributes; at most 32");
  }

  @Test
  void resourceWithoutServiceNameIsRefused() {
    var request =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge("g", point(1)))))
            .build();
    var d = decoded(request);
    assertThat(d.rejectedPoints()).isEqualTo(1);
    assertThat(d.rejection()).contains("none of [service.name, service.instance.id] is set");
  }

  @Test
  void truncatedProtobufAndBadJsonAreRejectedWhole() {
    byte[] full = request(gauge("g", point(1))).toByteArray();
    var truncated =
        decoder.decode(Arrays.copyOf(full, full.length - 3), OtlpDecoder.Format.PROTOBUF, NOW);
    assertThat(truncated).isInstanceOf(OtlpDecoder.Rejected.class);
    assertThat(((OtlpDecoder.Rejected) truncated).message()).startsWith("malformed OTLP protobuf");
    var json = decoder.decode("{\"resourceMetrics\":[".getBytes(), OtlpDecoder.Format.JSON, NOW);
    assertThat(((OtlpDecoder.Rejected) json).message()).startsWith("malformed OTLP JSON");
  }

  @Test
  void timestampsOutsideTheWindowAreRefused() {
    var old =
        NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS - 3_600_000_000_000L).setAsDouble(1);
    var d = decoded(request(gauge("g", old.build())));
    assertThat(d.rejection()).contains("timeUnixNano").contains("reorder-window");
  }
}
