package io.pipewatch.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.pipewatch.collector.agent.KnobKind;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The optimizer's part of an ingest batch, taken out of the body before the samples are decoded: an
 * HTTP-only service declares its knobs ({@code knobs}) and reports the settings it applied ({@code
 * applied}) in the same JSON object as its samples. Strict: either both parts are valid and {@link
 * Split} carries them with the rest of the body (byte for byte, for the sample decoder), or {@link
 * Rejected} names the offending field ({@code knobs[1].max}, {@code applied[0].changeId}). A body
 * mentioning neither is passed on untouched without being parsed.
 *
 * <pre>{@code
 * "knobs": [{"name": "batch_size", "min": 1, "max": 256, "step": 1, "value": 16},
 *           {"name": "codec", "choices": ["none", "lz4"], "value": "none"}],
 * "applied": [{"changeId": "svc-a#3", "knob": "batch_size", "value": 20}]
 * }</pre>
 *
 * <p>A numeric knob has {@code min <= value <= max} on the grid {@code min + k*step}; a categorical
 * one has {@code choices} (distinct strings) and its current choice as {@code value}; {@code
 * description} is optional; {@code kind} (optional: inferred from the name, see {@link KnobKind})
 * is one of concurrency, batch-size, pool-size, numeric (a plain number the optimizer searches step
 * by step), other (not tuned) for numeric knobs and choice or compression for knobs with choices.
 * An applied setting's {@code value} is a number (a categorical knob's choice index, as in the
 * settings answered); {@code choice} may repeat the choice's name.
 */
final class IngestKnobs {
  static final int MAX_KNOBS = 32;
  static final int MAX_APPLIED = 32;
  static final int MAX_NAME = 64;
  static final int MAX_TEXT = 256;
  static final int MAX_CHOICES = 64;

  private static final String KINDS =
      "concurrency, batch-size, pool-size, compression, choice, numeric, other";
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
  private static final byte[] KNOBS = "\"knobs\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] APPLIED = "\"applied\"".getBytes(StandardCharsets.UTF_8);
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(8)
                  .maxNumberLength(400)
                  .maxStringLength(64 * 1024)
                  .build())
          .build();

  private IngestKnobs() {}

  /** The outcome of {@link #split}. */
  sealed interface Result permits Split, Rejected {}

  /**
   * {@code samples}: the body without {@code knobs} and {@code applied}, for the sample decoder;
   * the declared knobs and the applied settings (both empty if absent).
   */
  record Split(byte[] samples, List<KnobSpec> knobs, List<AdaptiveOptimizer.Applied> applied)
      implements Result {
    /** Whether the batch speaks to the optimizer (declares knobs or reports settings). */
    boolean forOptimizer() {
      return !knobs.isEmpty() || !applied.isEmpty();
    }
  }

  /** A refused part: {@code field} its path, {@code message} what is wrong. */
  record Rejected(String field, String message) implements Result {}

  /** Splits {@code body}; never throws. */
  static Result split(byte[] body) {
    if (indexOf(body, KNOBS) < 0 && indexOf(body, APPLIED) < 0) {
      return new Split(body, List.of(), List.of());
    }
    String at = "body";
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Split(body, List.of(), List.of()); // the decoder says what is wrong
      }
      ByteArrayOutputStream rest = new ByteArrayOutputStream(body.length);
      rest.write('{');
      List<KnobSpec> knobs = null;
      List<AdaptiveOptimizer.Applied> applied = null;
      boolean first = true;
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String field = p.currentName();
        at = field;
        p.nextToken();
        switch (field) {
          case "knobs" -> {
            if (knobs != null) {
              throw new Reject("knobs", "repeated field");
            }
            knobs = readKnobs(p);
          }
          case "applied" -> {
            if (applied != null) {
              throw new Reject("applied", "repeated field");
            }
            applied = readApplied(p);
          }
          default -> {
            if (p.currentToken().isStructStart()) {
              p.skipChildren();
            } else {
              p.finishToken();
            }
            int end = (int) p.currentLocation().getByteOffset();
            if (!first) {
              rest.write(',');
            }
            rest.write(body, start, end - start);
            first = false;
          }
        }
      }
      at = "body";
      if (token != JsonToken.END_OBJECT) {
        throw new Reject("body", "expected a field name or '}'");
      }
      if (p.nextToken() != null) {
        throw new Reject("body", "unexpected content after the closing '}'");
      }
      rest.write('}');
      return new Split(
          rest.toByteArray(),
          knobs == null ? List.of() : knobs,
          applied == null ? List.of() : applied);
    } catch (Reject e) {
      return new Rejected(e.field, e.getMessage());
    } catch (JsonProcessingException e) {
      return new Rejected(at, "malformed JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      return new Rejected(at, "malformed JSON: " + oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static List<KnobSpec> readKnobs(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Reject("knobs", "must be an array of knob declarations");
    }
    List<KnobSpec> knobs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = "knobs[" + knobs.size() + "]";
      if (knobs.size() >= MAX_KNOBS) {
        throw new Reject("knobs", "more than " + MAX_KNOBS + " knobs");
      }
      KnobSpec knob = readKnob(p, at);
      if (!names.add(knob.name())) {
        throw new Reject(at + ".name", "knob '" + knob.name() + "' is declared twice");
      }
      knobs.add(knob);
    }
    return knobs;
  }

  private static KnobSpec readKnob(JsonParser p, String at) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new Reject(at, "must be an object such as {\"name\", \"min\", \"max\", \"step\", ...}");
    }
    String name = null;
    String description = null;
    Double min = null;
    Double max = null;
    Double step = null;
    Double value = null;
    String choice = null;
    List<String> choices = null;
    KnobKind kind = null;
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String path = at + "." + field;
      if (!seen.add(field)) {
        throw new Reject(path, "repeated field");
      }
      p.nextToken();
      switch (field) {
        case "name" -> name = readName(p, path);
        case "description" -> description = readText(p, path);
        case "min" -> min = readFinite(p, path);
        case "max" -> max = readFinite(p, path);
        case "step" -> step = readFinite(p, path);
        case "value" -> {
          if (p.currentToken() == JsonToken.VALUE_STRING) {
            choice = p.getText();
          } else {
            value = readFinite(p, path);
          }
        }
        case "choices" -> choices = readChoices(p, path);
        case "kind" -> {
          String text = readText(p, path);
          kind = KnobKind.find(text);
          if (kind == null) {
            throw new Reject(path, "unknown kind '" + clip(text) + "'; expected one of " + KINDS);
          }
        }
        default ->
            throw new Reject(
                path,
                "unknown field; expected name, description, kind, min, max, step, value or"
                    + " choices");
      }
    }
    if (name == null) {
      throw new Reject(at + ".name", "missing; expected the knob's name");
    }
    if (value == null && choice == null) {
      throw new Reject(at + ".value", "missing; expected the knob's current value");
    }
    if (choices != null) {
      for (String f : List.of("min", "max", "step")) {
        if (seen.contains(f)) {
          throw new Reject(at + "." + f, "not allowed for a knob with choices");
        }
      }
      if (choice == null) {
        throw new Reject(at + ".value", "must be one of the choices " + choices);
      }
      if (!choices.contains(choice)) {
        throw new Reject(at + ".value", "'" + clip(choice) + "' is not one of " + choices);
      }
      if (kind != null
          && kind != KnobKind.CHOICE
          && kind != KnobKind.COMPRESSION
          && kind != KnobKind.OTHER) {
        throw new Reject(at + ".kind", "a knob with choices is of kind choice or compression");
      }
      return KnobSpec.categorical(name, description, choices, choice).withKind(kind);
    }
    for (String f : List.of("min", "max", "step")) {
      if (!seen.contains(f)) {
        throw new Reject(at + "." + f, "missing; a numeric knob needs min, max and step");
      }
    }
    if (choice != null) {
      throw new Reject(at + ".value", "must be a number (or declare choices)");
    }
    if (min > max) {
      throw new Reject(at + ".max", "smaller than min " + min);
    }
    if (!(step > 0)) {
      throw new Reject(at + ".step", "must be above 0");
    }
    try {
      if (kind == KnobKind.CHOICE || kind == KnobKind.COMPRESSION) {
        throw new Reject(at + ".kind", "kind " + kind.id() + " needs choices");
      }
      return KnobSpec.numeric(name, description, min, max, step, value).withKind(kind);
    } catch (IllegalArgumentException e) {
      throw new Reject(at + ".value", e.getMessage());
    }
  }

  private static List<AdaptiveOptimizer.Applied> readApplied(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Reject("applied", "must be an array of applied settings");
    }
    List<AdaptiveOptimizer.Applied> applied = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = "applied[" + applied.size() + "]";
      if (applied.size() >= MAX_APPLIED) {
        throw new Reject("applied", "more than " + MAX_APPLIED + " settings");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new Reject(at, "must be an object {\"changeId\", \"knob\", \"value\"}");
      }
      String changeId = null;
      String knob = null;
      Double value = null;
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        String path = at + "." + field;
        if (!seen.add(field)) {
          throw new Reject(path, "repeated field");
        }
        p.nextToken();
        switch (field) {
          case "changeId" -> changeId = readText(p, path);
          case "knob" -> knob = readName(p, path);
          case "value" -> value = readFinite(p, path);
          case "choice" -> readText(p, path);
          default ->
              throw new Reject(path, "unknown field; expected changeId, knob, value or choice");
        }
      }
      if (changeId == null || changeId.isBlank()) {
        throw new Reject(at + ".changeId", "missing; expected the changeId of the setting");
      }
      if (knob == null) {
        throw new Reject(at + ".knob", "missing; expected the knob's name");
      }
      if (value == null) {
        throw new Reject(at + ".value", "missing; expected the value now applied");
      }
      applied.add(new AdaptiveOptimizer.Applied(changeId, knob, value));
    }
    return applied;
  }

  private static List<String> readChoices(JsonParser p, String path) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new Reject(path, "must be an array of strings");
    }
    List<String> choices = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = path + "[" + choices.size() + "]";
      if (choices.size() >= MAX_CHOICES) {
        throw new Reject(path, "more than " + MAX_CHOICES + " choices");
      }
      String choice = readText(p, at);
      if (choice.isBlank()) {
        throw new Reject(at, "must not be blank");
      }
      if (choices.contains(choice)) {
        throw new Reject(at, "repeats '" + clip(choice) + "'");
      }
      choices.add(choice);
    }
    if (choices.isEmpty()) {
      throw new Reject(path, "must hold at least one choice");
    }
    return choices;
  }

  private static String readName(JsonParser p, String path) throws IOException {
    String name = readText(p, path);
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new Reject(
          path, "'" + clip(name) + "' is not a knob name ([A-Za-z_][A-Za-z0-9_.-]*, 64 at most)");
    }
    return name;
  }

  private static String readText(JsonParser p, String path) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new Reject(path, "must be a string");
    }
    String text = p.getText();
    if (text.length() > MAX_TEXT) {
      throw new Reject(path, "longer than " + MAX_TEXT + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new Reject(path, "must not contain control characters");
      }
    }
    return text;
  }

  private static double readFinite(JsonParser p, String path) throws IOException {
    JsonToken token = p.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new Reject(path, "must be a number");
    }
    double value = p.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw new Reject(path, "must be a finite number, got " + clip(p.getText()));
    }
    return value;
  }

  private static int indexOf(byte[] body, byte[] word) {
    outer:
    for (int i = 0; i + word.length <= body.length; i++) {
      for (int j = 0; j < word.length; j++) {
        if (body[i + j] != word[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String clip(String text) {
    return oneLine(text.length() > 64 ? text.substring(0, 61) + "..." : text);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ");
  }

  /** A refusal carried out of the nested readers; no stack trace (it is not a bug). */
  private static final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String field;

    Reject(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
