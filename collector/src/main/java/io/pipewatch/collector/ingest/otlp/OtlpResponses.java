package io.pipewatch.collector.ingest.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bodies OTLP/HTTP answers with, in the request's encoding: an {@code
 * ExportMetricsServiceResponse} (with {@code partial_success} when points were rejected) for a 200,
 * and a {@code google.rpc.Status} for an error (OTLP/HTTP "Failures"). The JSON error also carries
 * Pipewatch's {@code error}, {@code field} and {@code detail}.
 */
public final class OtlpResponses {
  /** {@code google.rpc.Code} values used in error bodies. */
  public static final int INVALID_ARGUMENT = 3;

  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int UNAVAILABLE = 14;

  private static final JsonFactory JSON = new JsonFactory();

  private OtlpResponses() {}

  /**
   * The 200 body: {@code rejected} points refused, {@code message} says why (both 0/null if none).
   */
  public static byte[] success(OtlpDecoder.Format format, long rejected, String message) {
    ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
    if (rejected > 0) {
      response.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(rejected)
              .setErrorMessage(message == null ? "" : message));
    }
    if (format == OtlpDecoder.Format.PROTOBUF) {
      return response.build().toByteArray();
    }
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .print(response)
          .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print an OTLP response", e);
    }
  }

  /** An error body: a {@code google.rpc.Status} with {@code code} and a one-line message. */
  public static byte[] error(
      OtlpDecoder.Format format, int code, String error, String field, String detail) {
    String message = field == null ? error + ": " + detail : error + " (" + field + "): " + detail;
    try {
      if (format == OtlpDecoder.Format.PROTOBUF) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeInt32(1, code);
        coded.writeString(2, message);
        coded.flush();
        return out.toByteArray();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeNumberField("code", code);
        g.writeStringField("message", message);
        g.writeStringField("error", error);
        g.writeStringField("field", field);
        g.writeStringField("detail", detail);
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
