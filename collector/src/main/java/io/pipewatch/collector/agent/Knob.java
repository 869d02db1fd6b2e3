package io.pipewatch.collector.agent;

import java.util.function.DoubleConsumer;

/**
 * A tunable setting owned by the service (worker count, batch size, model variant). The service
 * registers it with {@link Agent#knob} and a listener that applies a new value; the optimizer
 * changes it through {@link Agent#changeSetting}, which validates against the {@link KnobSpec}.
 */
public final class Knob {
  private final KnobSpec spec;
  private final DoubleConsumer onChange;
  private volatile double value;

  Knob(KnobSpec spec, DoubleConsumer onChange) {
    this.spec = spec;
    this.onChange = onChange;
    this.value = spec.value();
  }

  public String name() {
    return spec.name();
  }

  /** The current value (for a categorical knob, the index into {@link KnobSpec#choices()}). */
  public double value() {
    return value;
  }

  KnobSpec spec() {
    return spec.withValue(value);
  }

  synchronized void change(double newValue) {
    spec.validate(newValue);
    onChange.accept(newValue);
    value = newValue;
  }
}
