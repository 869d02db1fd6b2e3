package io.pipewatch.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;

/**
 * A series' history as CSV (RFC 4180): a header line {@code
 * source,series,timestamp,time,value,min,max}, one record per bucket, CRLF line ends, a field
 * quoted when it holds a comma, a quote or a line break (quotes doubled), a text field that would
 * start a spreadsheet formula prefixed with an apostrophe. An empty bucket (NaN) is an empty field.
 * Answered as a download named after the source and series.
 */
final class SeriesExport {
  /** The values of the {@code format} query parameter of a series' history. */
  static final Set<String> FORMATS = Set.of("json", "csv");

  static final String HEADER = "source,series,timestamp,time,value,min,max";

  private SeriesExport() {}

  static HttpResponse csv(MetricsRoutes.SeriesHistory history) {
    String body = csvText(history);
    String file = (history.source() + "-" + history.series()).replaceAll("[^A-Za-z0-9._-]", "_");
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                ContentTypes.create(
                    org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_CSV,
                    org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)))
        .addHeader(
            ContentDisposition.create(
                ContentDispositionTypes.ATTACHMENT,
                java.util.Map.of("filename", file + "-" + history.range() + ".csv")));
  }

  static String csvText(MetricsRoutes.SeriesHistory history) {
    StringBuilder out = new StringBuilder(64 + history.timestamps().length * 64);
    out.append(HEADER).append("\r\n");
    String source = field(history.source());
    String series = field(history.series());
    for (int i = 0; i < history.timestamps().length; i++) {
      long at = history.timestamps()[i];
      out.append(source)
          .append(',')
          .append(series)
          .append(',')
          .append(at)
          .append(',')
          .append(Instant.ofEpochMilli(at))
          .append(',')
          .append(number(history.values(), i))
          .append(',')
          .append(number(history.min(), i))
          .append(',')
          .append(number(history.max(), i))
          .append("\r\n");
    }
    return out.toString();
  }

  /**
   * One text field, quoted when it must be. A field a spreadsheet would take for a formula (one
   * that starts with {@code = + - @}, a tab or a carriage return: a source name such as {@code
   * =HYPERLINK(...)}) gets a leading apostrophe and quotes, so it opens as text (OWASP's advice
   * against CSV injection).
   */
  static String field(String text) {
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      return '"' + "'" + text.replace("\"", "\"\"") + '"';
    }
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  private static String number(double[] values, int i) {
    if (values == null || i >= values.length || !Double.isFinite(values[i])) {
      return "";
    }
    return Double.toString(values[i]);
  }
}
