package io.pipewatch.collector;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders what the collectors hold, and Pipewatch's own figures, as a Prometheus exposition —
 * OpenMetrics text when the {@code Accept} header asks for it ({@code
 * application/openmetrics-text}), the Prometheus text format 0.0.4 otherwise — with the Prometheus
 * Java client's exposition-formats library (client_java 1.x {@code MetricSnapshots}).
 *
 * <p>Every collected metric gets a {@code source} label (a sample's own {@code source} label
 * becomes {@code exported_source}, as Prometheus does on scrape). Counters are written with their
 * totals ({@code _total}), gauges as they are, histograms and timers as summaries: count and sum
 * since start, and the quantiles 0.5/0.9/0.95/0.99 of the source's last flush interval. Names and
 * label names are sanitised to the Prometheus character set; a metric whose name collides with
 * another kind's name (after sanitising) is left out rather than breaking the page. Each source
 * also gets {@code pipewatch_source_up{source}} (0 when stale).
 *
 * <pre>{@code
 * // in the /metrics route, with LatestSnapshots and NodeFigures asked from the SourceDirectory:
 * String type = MetricsExposition.contentType(accept);
 * ByteArrayOutputStream body = new ByteArrayOutputStream();
 * MetricsExposition.write(body, accept, latest.snapshots(), figures);
 * }</pre>
 */
public final class MetricsExposition {

  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();
  private static final OpenMetricsTextFormatWriter OPEN_METRICS =
      OpenMetricsTextFormatWriter.create();

  private MetricsExposition() {}

  /**
   * The content type {@link #write} uses for this {@code Accept} header (null: Prometheus text).
   */
  public static String contentType(String acceptHeader) {
    return writer(acceptHeader).getContentType();
  }

  /** Writes the exposition and returns its content type. */
  public static String write(
      OutputStream out,
      String acceptHeader,
      List<SourceSnapshot> sources,
      SourceDirectory.NodeFigures figures)
      throws IOException {
    ExpositionFormatWriter writer = writer(acceptHeader);
    writer.write(out, snapshots(sources, figures));
    return writer.getContentType();
  }

  private static ExpositionFormatWriter writer(String acceptHeader) {
    return acceptHeader != null && OPEN_METRICS.accepts(acceptHeader) ? OPEN_METRICS : TEXT;
  }

  /** The client_java model of the page (exposed for tests and other writers). */
  public static MetricSnapshots snapshots(
      List<SourceSnapshot> sources, SourceDirectory.NodeFigures figures) {
    List<MetricSnapshot> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    own(out, taken, figures == null ? SourceDirectory.NodeFigures.EMPTY : figures, sources);
    collected(out, taken, sources);
    return new MetricSnapshots(out);
  }

  /**
   * Pipewatch's own figures of this node only (sources, series, ingest, {@code
   * pipewatch_source_up}): what {@code GET /metrics} shows, without the collected series.
   */
  public static List<MetricSnapshot> ownSnapshots(
      List<SourceSnapshot> sources, SourceDirectory.NodeFigures figures) {
    List<MetricSnapshot> out = new ArrayList<>();
    own(
        out,
        new HashSet<>(),
        figures == null ? SourceDirectory.NodeFigures.EMPTY : figures,
        sources);
    return out;
  }

  /** The series collected on this node, each with its {@code source} label. */
  public static List<MetricSnapshot> collectedSnapshots(List<SourceSnapshot> sources) {
    List<MetricSnapshot> out = new ArrayList<>();
    collected(out, new HashSet<>(), sources);
    return out;
  }

  private static void collected(
      List<MetricSnapshot> out, Set<String> taken, List<SourceSnapshot> sources) {
    Map<String, Family> families = new LinkedHashMap<>();
    for (SourceSnapshot source : sources) {
      for (Sample s : source.latestSamples()) {
        String name = PrometheusNaming.sanitizeMetricName(s.name());
        if (s.kind() == MetricKind.COUNTER && name.endsWith("_total")) {
          name = name.substring(0, name.length() - "_total".length());
        }
        Family f = families.computeIfAbsent(name, n -> new Family(s.kind()));
        if (f.kind != s.kind()) {
          continue; // same name, another kind: keep the first
        }
        Labels labels = labels(source.sourceId(), s.labels());
        if (labels != null && f.seen.add(labels)) {
          f.samples.add(s);
          f.labels.add(labels);
        }
      }
    }
    families.forEach(
        (name, f) -> {
          if (!claim(taken, name, f.kind)) {
            return;
          }
          try {
            out.add(family(name, f));
          } catch (IllegalArgumentException e) {
            // a name or label the model rejects even after sanitising: leave this metric out
          }
        });
  }

  private static MetricSnapshot family(String name, Family f) {
    switch (f.kind) {
      case COUNTER -> {
        CounterSnapshot.Builder b =
            CounterSnapshot.builder().name(name).help("Counter collected by Pipewatch");
        for (int i = 0; i < f.samples.size(); i++) {
          b.dataPoint(
              CounterSnapshot.CounterDataPointSnapshot.builder()
                  .value(Math.max(0, finite(f.samples.get(i).value())))
                  .labels(f.labels.get(i))
                  .build());
        }
        return b.build();
      }
      case GAUGE -> {
        GaugeSnapshot.Builder b =
            GaugeSnapshot.builder().name(name).help("Gauge collected by Pipewatch");
        for (int i = 0; i < f.samples.size(); i++) {
          b.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder()
                  .value(f.samples.get(i).value())
                  .labels(f.labels.get(i))
                  .build());
        }
        return b.build();
      }
      default -> {
        SummarySnapshot.Builder b =
            SummarySnapshot.builder()
                .name(name)
                .help(
                    f.kind == MetricKind.TIMER
                        ? "Timer collected by Pipewatch, seconds; quantiles of the last interval"
                        : "Histogram collected by Pipewatch; quantiles of the last interval");
        for (int i = 0; i < f.samples.size(); i++) {
          Sample s = f.samples.get(i);
          HistogramValue h = s.histogram();
          double unit = f.kind == MetricKind.TIMER ? Collector.NANOS_PER_SECOND : 1.0;
          SummarySnapshot.SummaryDataPointSnapshot.Builder p =
              SummarySnapshot.SummaryDataPointSnapshot.builder().labels(f.labels.get(i));
          if (h == null) {
            p.count((long) Math.max(0, finite(s.value())));
          } else {
            p.count(Math.max(0, h.count()))
                .sum(finite(h.sum() / unit))
                .quantiles(
                    Quantiles.builder()
                        .quantile(0.5, h.p50() / unit)
                        .quantile(0.9, h.p90() / unit)
                        .quantile(0.95, h.p95() / unit)
                        .quantile(0.99, h.p99() / unit)
                        .build());
          }
          b.dataPoint(p.build());
        }
        return b.build();
      }
    }
  }

  private static void own(
      List<MetricSnapshot> out,
      Set<String> taken,
      SourceDirectory.NodeFigures f,
      List<SourceSnapshot> sources) {
    gauge(
        out, taken, "pipewatch_sources", "Sources whose collector runs on this node", f.sources());
    gauge(out, taken, "pipewatch_stale_sources", "Sources marked stale", f.staleSources());
    gauge(out, taken, "pipewatch_series", "Series held in history on this node", f.series());
    gauge(
        out,
        taken,
        "pipewatch_ingest_rate_samples_per_second",
        "Samples taken in per second over the last status interval",
        f.ingestRatePerSecond());
    counter(out, taken, "pipewatch_ingest_batches", "Ingest batches taken in", f.batches());
    counter(out, taken, "pipewatch_ingest_samples", "Samples taken in", f.samples());
    counter(
        out,
        taken,
        "pipewatch_refused_samples",
        "Samples refused (caps, kind changes, late batches)",
        f.refusedSamples());
    counter(
        out,
        taken,
        "pipewatch_refused_sources",
        "Sources refused because the node was full",
        f.refusedSources());
    GaugeSnapshot.Builder up =
        GaugeSnapshot.builder()
            .name("pipewatch_source_up")
            .help("1 while the source sends batches, 0 once it is stale");
    for (SourceSnapshot s : sources) {
      up.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("source", s.sourceId()))
              .value(s.stale() ? 0 : 1)
              .build());
    }
    claim(taken, "pipewatch_source_up", MetricKind.GAUGE);
    out.add(up.build());
  }

  private static void gauge(
      List<MetricSnapshot> out, Set<String> taken, String name, String help, double value) {
    claim(taken, name, MetricKind.GAUGE);
    out.add(
        GaugeSnapshot.builder()
            .name(name)
            .help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build())
            .build());
  }

  private static void counter(
      List<MetricSnapshot> out, Set<String> taken, String name, String help, long value) {
    claim(taken, name, MetricKind.COUNTER);
    out.add(
        CounterSnapshot.builder()
            .name(name)
            .help(help)
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build())
            .build());
  }

  /** Reserves every sample name a metric writes; false if one is already used. */
  private static boolean claim(Set<String> taken, String name, MetricKind kind) {
    List<String> names =
        switch (kind) {
          case COUNTER -> List.of(name, name + "_total", name + "_created");
          case GAUGE -> List.of(name);
          case HISTOGRAM, TIMER -> List.of(name, name + "_count", name + "_sum", name + "_created");
        };
    for (String n : names) {
      if (taken.contains(n)) {
        return false;
      }
    }
    taken.addAll(names);
    return true;
  }

  private static Labels labels(String sourceId, Map<String, String> labels) {
    Labels.Builder b = Labels.builder().label("source", sourceId);
    Set<String> names = new HashSet<>();
    names.add("source");
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String n = PrometheusNaming.sanitizeLabelName(e.getKey());
      if (n.equals("source")) {
        n = "exported_source";
      }
      if (!names.add(n)) {
        return null;
      }
      b.label(n, e.getValue());
    }
    return b.build();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static final class Family {
    final MetricKind kind;
    final List<Sample> samples = new ArrayList<>();
    final List<Labels> labels = new ArrayList<>();
    final Set<Labels> seen = new HashSet<>();

    Family(MetricKind kind) {
      this.kind = kind;
    }
  }
}
