package io.pipewatch.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fault to inject into the simulated pipeline: what ({@code kind}), where ({@code stage}), when
 * (after {@code delay} from the moment of injection, for {@code duration}) and how hard ({@code
 * intensity}, 0 exclusive to 1 inclusive; 1 is the worst the model produces). {@code duration} is
 * positive and at most {@link #MAX_DURATION}, {@code delay} zero or positive and at most {@link
 * #MAX_DELAY}, so the simulated clock cannot overflow. Built validated: from code with the
 * constructor or {@link #of}, from text (REST, configuration) with {@link #parse}, which names the
 * offending field in its {@link InvalidFaultException}.
 *
 * <pre>{@code
 * FaultSpec spec = FaultSpec.parse("cpu-saturation", "embed", "90s", 0.8, null);
 * GroundTruth truth = simulator.injectFault(spec);
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 *
 * <p>{@link FaultKind#SLOW_IPC} needs a stage with an outgoing hop (ingest, parse, embed: the hop
 * from that stage to the next); {@link FaultKind#DB_CONTENTION} concerns the index stage's database
 * and defaults to {@link Stage#INDEX}.
 */
public record FaultSpec(
    FaultKind kind, Stage stage, Duration delay, Duration duration, double intensity) {

  /** Intensity used when none is given. */
  public static final double DEFAULT_INTENSITY = 0.7;

  /** The longest fault. */
  public static final Duration MAX_DURATION = Duration.ofHours(24);

  /** The longest wait before a fault starts. */
  public static final Duration MAX_DELAY = Duration.ofHours(24);

  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  public FaultSpec {
    if (kind == null) {
      throw new InvalidFaultException(
          "kind", "kind is missing: expected one of " + FaultKind.names());
    }
    if (stage == null && kind == FaultKind.DB_CONTENTION) {
      stage = Stage.INDEX;
    }
    if (stage == null) {
      throw new InvalidFaultException(
          "stage", "stage is missing: expected one of ingest, parse, embed, index");
    }
    if (kind == FaultKind.SLOW_IPC && !stage.hasOutgoingHop()) {
      throw new InvalidFaultException(
          "stage",
          "slow-ipc needs a stage with an outgoing hop (ingest, parse, embed), got " + stage.id());
    }
    if (kind == FaultKind.DB_CONTENTION && stage != Stage.INDEX) {
      throw new InvalidFaultException(
          "stage", "db-contention concerns the database behind index, got " + stage.id());
    }
    if (delay == null) {
      delay = Duration.ZERO;
    }
    if (delay.isNegative()) {
      throw new InvalidFaultException("delay", "delay must not be negative, got " + delay);
    }
    if (delay.compareTo(MAX_DELAY) > 0) {
      throw new InvalidFaultException(
          "delay", "delay must be at most " + MAX_DELAY.toHours() + "h, got " + delay);
    }
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new InvalidFaultException(
          "duration", "duration must be positive (such as 500ms, 90s, 5m), got " + duration);
    }
    if (duration.compareTo(MAX_DURATION) > 0) {
      throw new InvalidFaultException(
          "duration", "duration must be at most " + MAX_DURATION.toHours() + "h, got " + duration);
    }
    if (!(intensity > 0.0 && intensity <= 1.0)) {
      throw new InvalidFaultException(
          "intensity", "intensity must be a number above 0 and at most 1, got " + intensity);
    }
  }

  /** A fault starting at once with the default intensity. */
  public static FaultSpec of(FaultKind kind, Stage stage, Duration duration) {
    return new FaultSpec(kind, stage, Duration.ZERO, duration, DEFAULT_INTENSITY);
  }

  /**
   * Parses and validates a fault given as text, as it arrives in JSON or configuration.
   *
   * @param kind a {@link FaultKind#id()} such as {@code cpu-saturation} (required)
   * @param stage a {@link Stage#id()} such as {@code embed} (required except for db-contention)
   * @param duration such as {@code 500ms}, {@code 90s}, {@code 1.5m}, {@code 2h} or ISO-8601 {@code
   *     PT90S} (required)
   * @param intensity 0 exclusive to 1 inclusive; null means {@link #DEFAULT_INTENSITY}
   * @param delay like duration; null means start at once
   * @throws InvalidFaultException naming the first bad field
   */
  public static FaultSpec parse(
      String kind, String stage, String duration, Double intensity, String delay) {
    FaultKind parsedKind = FaultKind.find(kind);
    if (parsedKind == null) {
      throw new InvalidFaultException(
          "kind",
          (kind == null ? "kind is missing" : "unknown kind '" + shorten(kind) + "'")
              + ": expected one of "
              + FaultKind.names());
    }
    Stage parsedStage = Stage.find(stage);
    if (stage != null && !stage.isBlank() && parsedStage == null) {
      throw new InvalidFaultException(
          "stage",
          "unknown stage '" + shorten(stage) + "': expected one of ingest, parse, embed, index");
    }
    Duration parsedDuration = parseDuration("duration", duration, true);
    Duration parsedDelay = parseDuration("delay", delay, false);
    return new FaultSpec(
        parsedKind,
        parsedStage,
        parsedDelay,
        parsedDuration,
        intensity == null ? DEFAULT_INTENSITY : intensity);
  }

  /**
   * Parses {@code 500ms}, {@code 90s}, {@code 1.5m}, {@code 2h} or ISO-8601 ({@code PT90S}), at
   * most 24 hours (a longer text is refused before any arithmetic on it, so nothing overflows).
   */
  static Duration parseDuration(String field, String text, boolean required) {
    if (text == null || text.isBlank()) {
      if (required) {
        throw new InvalidFaultException(
            field, field + " is missing: expected a duration such as 500ms, 90s or 5m");
      }
      return Duration.ZERO;
    }
    String trimmed = text.trim();
    Matcher matcher = DURATION.matcher(trimmed);
    Duration parsed;
    if (matcher.matches()) {
      double amount = Double.parseDouble(matcher.group(1));
      double unitNanos =
          switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      double nanos = amount * unitNanos;
      if (!(nanos <= MAX_DURATION.toNanos())) {
        throw tooLong(field, text);
      }
      parsed = Duration.ofNanos(Math.round(nanos));
    } else {
      try {
        parsed = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new InvalidFaultException(
            field,
            "bad "
                + field
                + " '"
                + shorten(text)
                + "': expected a duration such as 500ms, 90s, 5m or PT90S");
      }
    }
    if (parsed.compareTo(MAX_DURATION) > 0) {
      throw tooLong(field, text);
    }
    return parsed;
  }

  private static InvalidFaultException tooLong(String field, String text) {
    return new InvalidFaultException(
        field,
        field
            + " must be at most "
            + MAX_DURATION.toHours()
            + "h (such as 500ms, 90s, 5m), got '"
            + shorten(text)
            + "'");
  }

  /** Text quoted in an error message, cut so a huge value cannot make a huge answer. */
  static String shorten(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }
}
