package io.pipewatch.collector.agent;

import io.pipewatch.collector.CborSerializable;
import java.util.List;

/**
 * What a knob is and which values it takes. Numeric knobs: {@code choices} empty, allowed values
 * {@code min, min+step, ..., max}. Categorical knobs (model variant fast/accurate, compression
 * off/on): {@code value} is the index into {@code choices}, {@code min = 0}, {@code max =
 * choices.size() - 1}, {@code step = 1} (use {@link #categorical}). {@code kind} says what the knob
 * controls ({@link KnobKind}); null means "infer it from the name" ({@link KnobKind#infer}).
 */
public record KnobSpec(
    String name,
    String description,
    double min,
    double max,
    double step,
    double value,
    List<String> choices,
    KnobKind kind)
    implements CborSerializable {

  private static final double STEP_TOLERANCE = 1e-9;

  public KnobSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("knob name must not be blank");
    }
    description = description == null ? "" : description;
    choices = choices == null ? List.of() : List.copyOf(choices);
    if (name != null && kind == null) {
      kind = KnobKind.infer(name, !choices.isEmpty());
    }
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException(
          "knob '"
              + name
              + "': min and max must be finite with min <= max, got "
              + min
              + ".."
              + max);
    }
    if (!(step > 0) || !Double.isFinite(step)) {
      throw new IllegalArgumentException("knob '" + name + "': step must be > 0, got " + step);
    }
    if (!choices.isEmpty() && (min != 0 || max != choices.size() - 1 || step != 1)) {
      throw new IllegalArgumentException(
          "knob '"
              + name
              + "': a categorical knob needs min 0, max "
              + (choices.size() - 1)
              + ", step 1");
    }
    String problem = problem(name, min, max, step, choices, value);
    if (problem != null) {
      throw new IllegalArgumentException(problem + " (initial value)");
    }
  }

  /** A knob whose kind is inferred from its name. */
  public KnobSpec(
      String name,
      String description,
      double min,
      double max,
      double step,
      double value,
      List<String> choices) {
    this(name, description, min, max, step, value, choices, null);
  }

  /** The same spec declared as {@code newKind} (null: inferred from the name). */
  public KnobSpec withKind(KnobKind newKind) {
    return new KnobSpec(name, description, min, max, step, value, choices, newKind);
  }

  /** A numeric knob. */
  public static KnobSpec numeric(
      String name, String description, double min, double max, double step, double value) {
    return new KnobSpec(name, description, min, max, step, value, List.of());
  }

  /** A categorical knob whose current value is {@code choices.indexOf(current)}. */
  public static KnobSpec categorical(
      String name, String description, List<String> choices, String current) {
    int index = choices.indexOf(current);
    if (index < 0) {
      throw new IllegalArgumentException(
          "knob '" + name + "': '" + current + "' is not one of " + choices);
    }
    return new KnobSpec(name, description, 0, choices.size() - 1, 1, index, choices);
  }

  /** Whether this is a categorical knob. */
  public boolean isCategorical() {
    return !choices.isEmpty();
  }

  /** The same spec with another current value (validated). */
  public KnobSpec withValue(double newValue) {
    return new KnobSpec(name, description, min, max, step, newValue, choices, kind);
  }

  /** Throws {@link IllegalArgumentException} with a clear message if {@code v} is not allowed. */
  public void validate(double v) {
    String problem = problem(name, min, max, step, choices, v);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private static String problem(
      String name, double min, double max, double step, List<String> choices, double v) {
    if (!Double.isFinite(v)) {
      return "knob '" + name + "': value must be a finite number, got " + v;
    }
    if (v < min || v > max) {
      return "knob '"
          + name
          + "': value "
          + v
          + " is out of range ["
          + min
          + ", "
          + max
          + "]"
          + (choices.isEmpty() ? "" : " (choices " + choices + ")");
    }
    double steps = (v - min) / step;
    if (Math.abs(steps - Math.rint(steps)) > STEP_TOLERANCE * Math.max(1, Math.abs(steps))) {
      return "knob '" + name + "': value " + v + " is not on the step grid " + min + " + k*" + step;
    }
    return null;
  }
}
