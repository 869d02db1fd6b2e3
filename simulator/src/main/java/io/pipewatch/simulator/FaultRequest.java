package io.pipewatch.simulator;

/**
 * The JSON body of a fault injection request ({@code POST /api/simulator/faults}), bound by Jackson
 * by component name:
 *
 * <pre>{@code
 * {"kind": "cpu-saturation", "stage": "embed", "duration": "90s", "intensity": 0.8, "delay": "0s"}
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 *
 * <p>Only {@code kind} and {@code duration} are always required; {@code stage} is required for
 * every kind but {@code db-contention}; {@code intensity} defaults to {@value
 * FaultSpec#DEFAULT_INTENSITY}; {@code delay} to 0. {@link #toSpec()} validates.
 */
public record FaultRequest(
    String kind, String stage, String duration, Double intensity, String delay) {

  /**
   * The validated fault.
   *
   * @throws InvalidFaultException naming the offending field
   */
  public FaultSpec toSpec() {
    return FaultSpec.parse(kind, stage, duration, intensity, delay);
  }
}
