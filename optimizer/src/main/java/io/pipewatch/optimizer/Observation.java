package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import java.util.Map;

/**
 * What a service looked like over one observation period (about a second), as named {@link
 * Signals}. A signal the service does not report is absent ({@link #get} answers NaN).
 *
 * @param atMillis end of the period, epoch milliseconds of the service's clock
 * @param values signal name to value
 */
public record Observation(long atMillis, Map<String, Double> values) implements CborSerializable {
  public Observation {
    values = Map.copyOf(values);
  }

  /** The value of {@code signal}, or NaN if it is not reported. */
  public double get(String signal) {
    Double v = values.get(signal);
    return v == null ? Double.NaN : v;
  }

  /** Whether {@code signal} is reported with a finite value. */
  public boolean has(String signal) {
    return Double.isFinite(get(signal));
  }
}
