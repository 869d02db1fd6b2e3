package io.pipewatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.analyzer.alert.AlertStatus;
import io.pipewatch.analyzer.alert.Matcher;
import io.pipewatch.analyzer.alert.Silence;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the alert and silence routes' inputs (query parameters, JSON bodies); anything
 * wrong becomes an {@link Invalid} naming the field, which the routes answer with 400.
 */
final class AlertRequests {
  /** The query parameters of {@code GET /api/alerts}. */
  static final Set<String> QUERY_PARAMETERS =
      Set.of("status", "severity", "source", "since", "offset", "limit");

  static final int MAX_LIMIT = 1000;
  private static final int MAX_TEXT = 2000;

  private AlertRequests() {}

  /** A bad input: the route answers 400 with this error. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ApiError error;

    Invalid(String field, String detail) {
      super(field + ": " + detail, null, false, false);
      this.error = new ApiError("invalid " + field, field, detail);
    }
  }

  /** What an operator sends to acknowledge or resolve. */
  record Action(String who, String note) {}

  /** What {@code POST /api/test-alert} takes. */
  record TestAlert(Severity severity, String channel, String note) {}

  /** The filter and page of {@code GET /api/alerts}. */
  static AlertQuery query(Map<String, String> params, long nowMillis) {
    Set<String> known = QUERY_PARAMETERS;
    for (String name : params.keySet()) {
      if (!known.contains(name)) {
        throw new Invalid(
            name, "unknown parameter; expected status, severity, source, since, offset, limit");
      }
    }
    AlertStatus status = null;
    if (params.containsKey("status")) {
      status = AlertStatus.find(params.get("status"));
      if (status == null) {
        throw new Invalid("status", "expected one of firing, acknowledged, silenced, resolved");
      }
    }
    Severity severity =
        params.containsKey("severity") ? severity(params.get("severity"), "severity") : null;
    String source = params.get("source");
    if (source != null && source.isBlank()) {
      throw new Invalid("source", "must not be empty");
    }
    long since = params.containsKey("since") ? time(params.get("since"), "since", nowMillis) : 0;
    int offset =
        params.containsKey("offset")
            ? integer(params.get("offset"), "offset", 0, Integer.MAX_VALUE)
            : 0;
    int limit =
        params.containsKey("limit") ? integer(params.get("limit"), "limit", 1, MAX_LIMIT) : 100;
    return new AlertQuery(status, severity, source, since, offset, limit);
  }

  /** {@code {"who": "...", "note": "..."}}; {@code who} required when {@code whoRequired}. */
  static Action action(String body, boolean whoRequired) {
    JsonNode json = object(body, !whoRequired, Set.of("who", "note"));
    String who = text(json, "who", whoRequired);
    return new Action(who == null ? "operator" : who, text(json, "note", false));
  }

  static TestAlert testAlert(String body, List<String> channels) {
    JsonNode json = object(body, true, Set.of("severity", "channel", "note"));
    String sev = text(json, "severity", false);
    String channel = text(json, "channel", false);
    if (channel != null && !channels.contains(channel)) {
      throw new Invalid(
          "channel", "no channel '" + channel + "'; configured: " + String.join(", ", channels));
    }
    return new TestAlert(
        sev == null ? null : severity(sev, "severity"), channel, text(json, "note", false));
  }

  /**
   * {@code {"matchers": ["source=db", ...] or [{"name","value","isRegex","isEqual"}], "startsAt":
   * ISO time (default now), "endsAt": ISO time or "duration": "2h", "createdBy", "comment",
   * "window": {"days": ["MON", ...], "from": "22:00", "minutes": 60}}}.
   */
  static Silence silence(String body, long nowMillis) {
    JsonNode json =
        object(
            body,
            false,
            Set.of("matchers", "startsAt", "endsAt", "duration", "createdBy", "comment", "window"));
    JsonNode m = json.get("matchers");
    if (m == null || !m.isArray() || m.isEmpty()) {
      throw new Invalid("matchers", "expected a non-empty array of matchers such as \"source=db\"");
    }
    List<Matcher> matchers = new ArrayList<>();
    for (int i = 0; i < m.size(); i++) {
      String field = "matchers[" + i + "]";
      JsonNode one = m.get(i);
      try {
        if (one.isTextual()) {
          matchers.add(Matcher.parse(one.asText()));
        } else if (one.isObject()) {
          checkFields(one, Set.of("name", "value", "isRegex", "isEqual"), field + ".");
          matchers.add(
              new Matcher(
                  text(one, "name", true, field + ".name"),
                  text(one, "value", true, field + ".value"),
                  bool(one, "isRegex", false, field + ".isRegex"),
                  bool(one, "isEqual", true, field + ".isEqual")));
        } else {
          throw new Invalid(field, "expected \"name=value\" or {\"name\":..,\"value\":..}");
        }
      } catch (IllegalArgumentException e) {
        throw new Invalid(field, e.getMessage());
      }
    }
    long starts =
        json.has("startsAt")
            ? time(text(json, "startsAt", true), "startsAt", nowMillis)
            : nowMillis;
    long ends;
    if (json.has("endsAt") && json.has("duration")) {
      throw new Invalid("duration", "give endsAt or duration, not both");
    } else if (json.has("endsAt")) {
      ends = time(text(json, "endsAt", true), "endsAt", nowMillis);
    } else if (json.has("duration")) {
      ends = starts + duration(text(json, "duration", true), "duration").toMillis();
    } else {
      throw new Invalid("endsAt", "expected endsAt (ISO time) or duration (e.g. 2h)");
    }
    if (ends <= starts) {
      throw new Invalid("endsAt", "must be after startsAt");
    }
    if (ends <= nowMillis) {
      throw new Invalid("endsAt", "must be in the future");
    }
    Silence.Window window = null;
    JsonNode w = json.get("window");
    if (w != null && !w.isNull()) {
      if (!w.isObject()) {
        throw new Invalid(
            "window", "expected {\"days\": [...], \"from\": \"22:00\", \"minutes\": 60}");
      }
      checkFields(w, Set.of("days", "from", "minutes"), "window.");
      Set<DayOfWeek> days = new HashSet<>();
      JsonNode d = w.get("days");
      if (d != null) {
        if (!d.isArray()) {
          throw new Invalid("window.days", "expected an array such as [\"SAT\", \"SUN\"]");
        }
        for (JsonNode day : d) {
          days.add(day(day.asText()));
        }
      }
      LocalTime from;
      try {
        from = LocalTime.parse(text(w, "from", true, "window.from"));
      } catch (DateTimeParseException e) {
        throw new Invalid("window.from", "expected a UTC time such as 22:00");
      }
      JsonNode minutes = w.get("minutes");
      if (minutes == null
          || !minutes.canConvertToInt()
          || minutes.asInt() < 1
          || minutes.asInt() > 10080) {
        throw new Invalid("window.minutes", "expected a whole number from 1 to 10080");
      }
      window = new Silence.Window(days, from, minutes.asInt());
    }
    return new Silence(
        null,
        matchers,
        starts,
        ends,
        text(json, "createdBy", false) == null ? "operator" : text(json, "createdBy", false),
        text(json, "comment", false),
        window);
  }

  private static DayOfWeek day(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(t) || d.name().startsWith(t) && t.length() >= 3) {
        return d;
      }
    }
    throw new Invalid("window.days", "unknown day '" + text + "'; expected MON..SUN");
  }

  private static JsonNode object(String body, boolean emptyAllowed, Set<String> fields) {
    if (body == null || body.isBlank()) {
      if (emptyAllowed) {
        return JsonSupport.MAPPER.createObjectNode();
      }
      throw new Invalid("body", "expected a JSON object");
    }
    JsonNode json;
    try {
      json = JsonSupport.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Invalid("body", "not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new Invalid("body", "expected a JSON object");
    }
    checkFields(json, fields, "");
    return json;
  }

  private static void checkFields(JsonNode json, Set<String> fields, String prefix) {
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new Invalid(
            prefix + name,
            "unknown field; expected " + String.join(", ", new java.util.TreeSet<>(fields)));
      }
    }
  }

  private static String text(JsonNode json, String field, boolean required) {
    return text(json, field, required, field);
  }

  private static String text(JsonNode json, String field, boolean required, String name) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new Invalid(name, "required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new Invalid(name, "expected a string");
    }
    String s = v.asText();
    if (required && s.isBlank()) {
      throw new Invalid(name, "must not be empty");
    }
    if (s.length() > MAX_TEXT) {
      throw new Invalid(name, "longer than " + MAX_TEXT + " characters");
    }
    return s;
  }

  private static boolean bool(JsonNode json, String field, boolean otherwise, String name) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw new Invalid(name, "expected true or false");
    }
    return v.asBoolean();
  }

  private static Severity severity(String text, String field) {
    for (Severity s : Severity.values()) {
      if (s.name().equalsIgnoreCase(text.trim())) {
        return s;
      }
    }
    throw new Invalid(field, "expected one of info, warning, critical, emergency");
  }

  private static int integer(String text, String field, int min, int max) {
    try {
      int v = Integer.parseInt(text.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new Invalid(field, "expected a whole number from " + min + " to " + max);
  }

  /** An ISO-8601 instant, epoch milliseconds, or a duration back from now ("15m"). */
  private static long time(String text, String field, long nowMillis) {
    String t = text.trim();
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException e) {
      // next form
    }
    if (t.matches("\\d{10,}")) {
      return Long.parseLong(t);
    }
    try {
      return nowMillis - duration(t, field).toMillis();
    } catch (Invalid e) {
      throw new Invalid(
          field,
          "expected an ISO time (2026-11-30T08:00:00Z), epoch milliseconds or a duration such as 15m");
    }
  }

  private static Duration duration(String text, String field) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(text.trim());
    if (!m.matches()) {
      throw new Invalid(field, "expected a duration such as 30m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.isZero()) {
      throw new Invalid(field, "must be positive");
    }
    return d;
  }
}
