package io.pipewatch.collector.ingest.remotewrite;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Writes a Prometheus remote_write 1.0 {@code WriteRequest} (the field numbers {@link
 * RemoteWriteDecoder} reads) and compresses it with snappy's block format, as the spec asks. Labels
 * are written sorted by name, as receivers require.
 *
 * <pre>{@code
 * byte[] body = RemoteWriteEncoder.encode(List.of(
 *     new RemoteWriteEncoder.Series(Map.of("__name__", "up", "job", "x"), 1.0, now)));
 * }</pre>
 */
public final class RemoteWriteEncoder {
  private RemoteWriteEncoder() {}

  /** One sample of one series; {@code labels} include {@code __name__}. */
  public record Series(Map<String, String> labels, double value, long timestampMillis) {
    public Series {
      labels = Map.copyOf(labels);
    }
  }

  /** The snappy-compressed WriteRequest holding {@code series}. */
  public static byte[] encode(List<Series> series) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 + series.size() * 64);
      CodedOutputStream request = CodedOutputStream.newInstance(out);
      ByteArrayOutputStream scratch = new ByteArrayOutputStream(256);
      for (Series s : series) {
        scratch.reset();
        CodedOutputStream ts = CodedOutputStream.newInstance(scratch);
        for (Map.Entry<String, String> label : new TreeMap<>(s.labels()).entrySet()) {
          int size =
              CodedOutputStream.computeStringSize(1, label.getKey())
                  + CodedOutputStream.computeStringSize(2, label.getValue());
          ts.writeTag(1, 2);
          ts.writeUInt32NoTag(size);
          ts.writeString(1, label.getKey());
          ts.writeString(2, label.getValue());
        }
        int sampleSize =
            CodedOutputStream.computeDoubleSize(1, s.value())
                + CodedOutputStream.computeInt64Size(2, s.timestampMillis());
        ts.writeTag(2, 2);
        ts.writeUInt32NoTag(sampleSize);
        ts.writeDouble(1, s.value());
        ts.writeInt64(2, s.timestampMillis());
        ts.flush();
        request.writeByteArray(1, scratch.toByteArray());
      }
      request.flush();
      return Snappy.compress(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
