package io.pipewatch.collector.ingest.otlp;

/** A refused data point: its path in the request and why, in one line. */
final class PointRefused extends Exception {
  private static final long serialVersionUID = 1L;

  PointRefused(String message) {
    super(message, null, false, false);
  }
}
