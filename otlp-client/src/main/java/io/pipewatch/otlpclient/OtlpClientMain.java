package io.pipewatch.otlpclient;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reports a counter, a gauge and a histogram through the OpenTelemetry Java SDK's OTLP HTTP
 * exporter, in two exports, then exits 0 if both succeeded. Arguments: endpoint ({@code
 * http://host:port/v1/metrics}), {@code protobuf} (gzip-compressed) or {@code json}, service name.
 *
 * <p>What is reported (resource {@code service.name}, {@code service.instance.id = i-1}): export 1
 * after {@code jobs.done += 5}, {@code job.duration} records 0.05, 0.2, 0.3, 0.7 (seconds, bounds
 * 0.1/0.5/1) and gauge {@code queue.depth{stage=parse} = 42.5}; export 2 at least 1.1 s later after
 * {@code jobs.done += 7} and {@code job.duration} records 0.9. JSON: the SDK's own JSON encoding,
 * which its builder keeps package-private ({@code exportAsJson()}), reached by reflection.
 */
public final class OtlpClientMain {
  private OtlpClientMain() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    boolean json = args[1].equals("json");
    OtlpHttpMetricExporterBuilder builder =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(endpoint)
            .setTimeout(Duration.ofSeconds(10))
            .setCompression(json ? "none" : "gzip");
    if (json) {
      Method asJson = OtlpHttpMetricExporterBuilder.class.getDeclaredMethod("exportAsJson");
      asJson.setAccessible(true);
      asJson.invoke(builder);
    }
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(builder.build()).setInterval(Duration.ofHours(1)).build();
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                args[2],
                                AttributeKey.stringKey("service.instance.id"),
                                "i-1"))))
            .registerMetricReader(reader)
            .build();
    Meter meter = provider.get("io.pipewatch.otlpclient");
    LongCounter jobs = meter.counterBuilder("jobs.done").setDescription("jobs finished").build();
    DoubleHistogram duration =
        meter
            .histogramBuilder("job.duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0))
            .build();
    meter
        .gaugeBuilder("queue.depth")
        .buildWithCallback(
            m -> m.record(42.5, Attributes.of(AttributeKey.stringKey("stage"), "parse")));
    jobs.add(5);
    for (double v : new double[] {0.05, 0.2, 0.3, 0.7}) {
      duration.record(v);
    }
    boolean first = flush(reader);
    System.out.println("export 1 " + (first ? "succeeded" : "failed"));
    // The second export must be later than the first for the counter to have a rate.
    Thread.sleep(1100);
    jobs.add(7);
    duration.record(0.9);
    boolean second = flush(reader);
    System.out.println("export 2 " + (second ? "succeeded" : "failed"));
    // No provider.shutdown(): it would export a third time, with no change since the second.
    System.exit(first && second ? 0 : 1);
  }

  private static boolean flush(PeriodicMetricReader reader) {
    CompletableResultCode result = reader.forceFlush().join(15, TimeUnit.SECONDS);
    return result.isSuccess();
  }
}
