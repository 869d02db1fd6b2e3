package io.pipewatch.collector.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteDecoderTest {
  static final long NOW = 1_732_350_000_000L;
  final RemoteWriteDecoder decoder =
      RemoteWriteDecoder.create(IngestSettings.defaults(), RemoteWriteSettings.defaults());

  /** A WriteRequest written with protobuf-java's CodedOutputStream, field numbers of the spec. */
  static final class Request {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Request series(String[] labels, double[] values, long[] timestamps) throws IOException {
      ByteArrayOutputStream ts = new ByteArrayOutputStream();
      CodedOutputStream t = CodedOutputStream.newInstance(ts);
      for (int i = 0; i < labels.length; i += 2) {
        ByteArrayOutputStream l = new ByteArrayOutputStream();
        CodedOutputStream lc = CodedOutputStream.newInstance(l);
        lc.writeString(1, labels[i]);
        lc.writeString(2, labels[i + 1]);
        lc.flush();
        t.writeByteArray(1, l.toByteArray());
      }
      for (int i = 0; i < values.length; i++) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        CodedOutputStream sc = CodedOutputStream.newInstance(s);
        sc.writeDouble(1, values[i]);
        sc.writeInt64(2, timestamps[i]);
        sc.flush();
        t.writeByteArray(2, s.toByteArray());
      }
      t.flush();
      CodedOutputStream w = CodedOutputStream.newInstance(out);
      w.writeByteArray(1, ts.toByteArray());
      w.flush();
      return this;
    }

    byte[] raw() {
      return out.toByteArray();
    }

    byte[] snappy() throws IOException {
      return Snappy.compress(raw());
    }
  }

  static String[] labels(String... kv) {
    return kv;
  }

  @Test
  void seriesBecomeSamplesOfTheirJobAndInstance() throws IOException {
    byte[] body =
        new Request()
            .series(
                labels(
                    "__name__",
                    "node_cpu_seconds_total",
                    "cpu",
                    "0",
                    "instance",
                    "h:9100",
                    "job",
                    "node",
                    "mode",
                    "idle"),
                new double[] {10, 11},
                new long[] {NOW - 1000, NOW})
            .series(
                labels("__name__", "node_load1", "instance", "h:9100", "job", "node"),
                new double[] {0.5},
                new long[] {NOW})
            .snappy();
    var a = (RemoteWriteDecoder.Accepted) decoder.decode(body, NOW);
    assertThat(a.samples()).isEqualTo(3);
    assertThat(a.batches()).hasSize(2);
    assertThat(a.batches().get(0).sourceId()).isEqualTo("node@h:9100");
    assertThat(a.batches().get(0).timestampMillis()).isEqualTo(NOW - 1000);
    assertThat(a.batches().get(1).samples())
        .containsExactly(
            new Sample(
                "node_cpu_seconds_total",
                Map.of("cpu", "0", "mode", "idle"),
                MetricKind.COUNTER,
                11,
                null),
            Sample.gauge("node_load1", Map.of(), 0.5));
  }

  @Test
  void staleMarkersAreSkipped() throws IOException {
    double stale = Double.longBitsToDouble(RemoteWriteDecoder.STALE_NAN_BITS);
    byte[] body =
        new Request()
            .series(labels("__name__", "up", "job", "j"), new double[] {stale}, new long[] {NOW})
            .snappy();
    var a = (RemoteWriteDecoder.Accepted) decoder.decode(body, NOW);
    assertThat(a.staleMarkers()).isEqualTo(1);
    assertThat(a.batches()).isEmpty();
  }

  void assertRejected(byte[] body, String field, String message) {
    var result = decoder.decode(body, NOW);
    assertThat(result).isInstanceOf(RemoteWriteDecoder.Rejected.class);
    var r = (RemoteWriteDecoder.Rejected) result;
    assertThat(r.field()).isEqualTo(field);
    assertThat(r.message()).contains(message);
  }

  @Test
  void badInputIsRejectedNamingWhatIsWrong() throws IOException {
    byte[] good =
        new Request()
            .series(labels("__name__", "g", "job", "j"), new double[] {1}, new long[] {NOW})
            .raw();
    assertRejected(good, "body", "not a valid snappy block");
    assertRejected(
        Snappy.compress(Arrays.copyOf(good, good.length - 2)), "body", "malformed WriteRequest");
    assertRejected(
        new Request()
            .series(
                labels("__name__", "g", "job", "j"), new double[] {Double.NaN}, new long[] {NOW})
            .snappy(),
        "timeseries[0].samples",
        "not finite (NaN)");
    assertRejected(
        new Request()
            .series(
                labels("__name__", "g", "job", "j"),
                new double[] {Double.NEGATIVE_INFINITY},
                new long[] {NOW})
            .snappy(),
        "timeseries[0].samples",
        "not finite");
    assertRejected(
        new Request()
            .series(labels("__name__", "g", "job", "j"), new double[] {1}, new long[] {NOW})
            .series(labels("job", "j", "__name__", "g"), new double[] {2}, new long[] {NOW})
            .snappy(),
        "timeseries[1]",
        "repeats series g");
    assertRejected(
        new Request().series(labels("__name__", "g"), new double[] {1}, new long[] {NOW}).snappy(),
        "timeseries[0].labels",
        "none of [job, instance] is set");
    assertRejected(
        new Request()
            .series(labels("__name__", "x_total", "job", "j"), new double[] {-1}, new long[] {NOW})
            .snappy(),
        "timeseries[0].samples",
        "must not be negative");
    assertRejected(
        new Request()
            .series(
                labels("__name__", "g", "job", "j"), new double[] {1}, new long[] {NOW - 60_000})
            .snappy(),
        "timeseries[0].samples.timestamp",
        "reorder-window");
  }

  @Test
  void tooManyLabelsAreRefused() throws IOException {
    String[] kv = new String[2 * 100_002];
    kv[0] = "__name__";
    kv[1] = "g";
    kv[2] = "job";
    kv[3] = "j";
    for (int i = 0; i < 100_000; i++) {
      kv[4 + 2 * i] = "l" + i;
      kv[5 + 2 * i] = "v";
    }
    var big =
        RemoteWriteDecoder.create(
            new IngestSettings(
                64 << 20,
                1000,
                32,
                256,
                1024,
                256,
                java.time.Duration.ofSeconds(10),
                java.time.Duration.ofMinutes(1)),
            RemoteWriteSettings.defaults());
    var result =
        big.decode(new Request().series(kv, new double[] {1}, new long[] {NOW}).snappy(), NOW);
    assertThat(((RemoteWriteDecoder.Rejected) result).message())
        .contains("100000 labels; at most 32");
  }
}
