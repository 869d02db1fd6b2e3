package io.pipewatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.alert.AlertChange;
import io.pipewatch.optimizer.OptimizationNotice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON of the live feed at {@code /ws} (the contract in the README, "Live updates
 * (WebSocket)"): reading a client's subscribe message strictly, and writing each server message.
 * Events are rendered once, for every client that receives them.
 */
final class LiveProtocol {
  /** Message types a client may subscribe to. */
  static final Set<String> TYPES =
      Set.of("DashboardUpdate", "Alert", "Optimization", "Bottleneck", "Pattern");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})\\s*(ms|s)");

  /** What a client sends: {@code {"subscribe":{...},"resumeFrom":"<id>"}}. */
  record ClientMessage(SubscribeBody subscribe, String resumeFrom) {}

  /** The subscribe part as sent. */
  record SubscribeBody(List<String> sources, List<String> types, String interval) {}

  /**
   * A validated subscription: sources (empty: all), types, DashboardUpdate interval, and the event
   * id to resume after (or null).
   */
  record Subscription(Set<String> sources, Set<String> types, Duration interval, Long resumeFrom) {
    boolean wants(String type) {
      return types.contains(type);
    }

    boolean wantsSource(List<String> eventSources) {
      if (sources.isEmpty() || eventSources.isEmpty()) {
        return true;
      }
      for (String s : eventSources) {
        if (sources.contains(s)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A client message refused: the Error message to send back. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ApiError error;

    Refused(String field, String detail) {
      super(detail, null, false, false);
      this.error = new ApiError("bad_request", field, detail);
    }
  }

  private LiveProtocol() {}

  /** Reads one client message, or says what is wrong with it (naming the field). */
  static Subscription parse(String text, Duration defaultInterval) throws Refused {
    JsonSupport.Read<ClientMessage> read =
        JsonSupport.readStrict(text.getBytes(StandardCharsets.UTF_8), ClientMessage.class);
    if (read instanceof JsonSupport.Refused<ClientMessage> refused) {
      ApiError e = refused.error();
      String field = e.field() == null ? "body" : e.field().replaceFirst("^subscribe\\.", "");
      throw new Refused(field, e.error() + (e.detail() == null ? "" : ": " + e.detail()));
    }
    ClientMessage message = ((JsonSupport.Value<ClientMessage>) read).value();
    if (message.subscribe() == null) {
      throw new Refused(
          "subscribe", "expected {\"subscribe\":{\"sources\":[...],\"types\":[...]}}");
    }
    SubscribeBody body = message.subscribe();
    Set<String> sources = new LinkedHashSet<>();
    if (body.sources() != null) {
      for (String s : body.sources()) {
        if (s == null || s.isBlank()) {
          throw new Refused("sources", "source ids must be non-empty strings");
        }
        sources.add(s);
      }
    }
    Set<String> types = new LinkedHashSet<>();
    if (body.types() == null) {
      types.addAll(TYPES);
    } else {
      for (String t : body.types()) {
        if (t == null || !TYPES.contains(t)) {
          throw new Refused(
              "types",
              "unknown type '"
                  + JsonSupport.shorten(String.valueOf(t))
                  + "'; expected DashboardUpdate, Alert, Optimization, Bottleneck, Pattern");
        }
        types.add(t);
      }
    }
    Duration interval = body.interval() == null ? defaultInterval : interval(body.interval());
    Long resumeFrom = null;
    if (message.resumeFrom() != null) {
      try {
        resumeFrom = Long.parseLong(message.resumeFrom());
      } catch (NumberFormatException e) {
        throw new Refused("resumeFrom", "expected an event id as the server sent it");
      }
    }
    return new Subscription(Set.copyOf(sources), Set.copyOf(types), interval, resumeFrom);
  }

  private static Duration interval(String text) throws Refused {
    Matcher m = DURATION.matcher(text.trim());
    String expected = "expected a duration from 100ms to 5s, such as 250ms or 1s";
    if (!m.matches()) {
      throw new Refused("interval", expected);
    }
    long n = Long.parseLong(m.group(1));
    Duration d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    if (d.compareTo(WebSocketSettings.MIN_INTERVAL) < 0
        || d.compareTo(WebSocketSettings.MAX_INTERVAL) > 0) {
      throw new Refused("interval", expected);
    }
    return d;
  }

  // ------------------------------------------------------------------ server messages

  static String welcome(String node, Long lastEventId) {
    ObjectNode n = JsonSupport.MAPPER.createObjectNode();
    n.put("type", "Welcome");
    n.put("node", node);
    n.put("lastEventId", lastEventId == null ? null : lastEventId.toString());
    return n.toString();
  }

  static String error(ApiError e) {
    ObjectNode n = JsonSupport.MAPPER.createObjectNode();
    n.put("type", "Error");
    n.put("error", e.error());
    n.put("field", e.field());
    n.put("detail", e.detail());
    return n.toString();
  }

  static String resumeGap(long oldest) {
    ObjectNode n = JsonSupport.MAPPER.createObjectNode();
    n.put("type", "ResumeGap");
    n.put("from", Long.toString(oldest));
    return n.toString();
  }

  static String dashboardUpdate(DashboardFigures.State state, long intervalMs, Set<String> only) {
    ObjectNode n = JsonSupport.MAPPER.createObjectNode();
    n.put("type", "DashboardUpdate");
    n.setAll(DashboardFigures.json(state, intervalMs, only));
    return n.toString();
  }

  /** An event before it has an id: its type, the sources it concerns, and its body. */
  record Event(String type, List<String> sources, ObjectNode body) {
    /** The event's JSON with {@code id}, {@code type} first. */
    String render(long id) {
      ObjectNode n = JsonSupport.MAPPER.createObjectNode();
      n.put("type", type);
      n.put("id", Long.toString(id));
      n.setAll(body);
      return n.toString();
    }
  }

  static Event analysis(AnalysisEvent e) {
    ObjectNode body = JsonSupport.MAPPER.createObjectNode();
    if (e instanceof AnalysisEvent.BottleneckEvent b) {
      body.put("event", step(e));
      body.set("bottleneck", tree(b.bottleneck()));
      return new Event("Bottleneck", List.of(b.bottleneck().sourceId()), body);
    }
    AnalysisEvent.PatternEvent p = (AnalysisEvent.PatternEvent) e;
    body.put("event", step(e));
    body.set("pattern", tree(p.pattern()));
    return new Event("Pattern", p.pattern().sources(), body);
  }

  private static String step(AnalysisEvent e) {
    if (e instanceof BottleneckAnalyzer.BottleneckDetected
        || e instanceof FleetAnalyzer.PatternDetected) {
      return "opened";
    }
    if (e instanceof BottleneckAnalyzer.BottleneckResolved
        || e instanceof FleetAnalyzer.PatternResolved) {
      return "resolved";
    }
    return "updated";
  }

  /** An alert's lifecycle step, as the alert router published it once written. */
  static Event alert(AlertChange change) {
    ObjectNode body = JsonSupport.MAPPER.createObjectNode();
    body.put("event", change.step().id());
    body.set("alert", tree(change.alert()));
    return new Event("Alert", change.alert().sources(), body);
  }

  /** A step of an optimizer change (or a recommendation), as the optimizer published it. */
  static Event optimization(OptimizationNotice o) {
    ObjectNode body = JsonSupport.MAPPER.createObjectNode();
    body.put("step", o.step().id());
    body.put("source", o.sourceId());
    body.put("changeId", o.changeId());
    body.put("knob", o.knob());
    number(body, "from", o.from());
    number(body, "to", o.to());
    ObjectNode detail = body.putObject("detail");
    detail.put("strategy", o.strategy());
    detail.put("by", o.by());
    detail.put("reason", o.reason());
    number(detail, "effectPct", o.effectPct());
    detail.put("at", java.time.Instant.ofEpochMilli(o.atMillis()).toString());
    return new Event("Optimization", List.of(o.sourceId()), body);
  }

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }

  private static JsonNode tree(Object value) {
    return JsonSupport.MAPPER.valueToTree(value);
  }
}
