package io.pipewatch.analyzer.alert;

import io.pipewatch.collector.CborSerializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A silence: alerts whose labels satisfy every matcher are kept (status {@code silenced}) but not
 * notified while it is in force — between {@code startsMillis} and {@code endsMillis}, and, when
 * {@code window} is set, only inside that recurring maintenance window.
 */
public record Silence(
    String id,
    List<Matcher> matchers,
    long startsMillis,
    long endsMillis,
    String createdBy,
    String comment,
    Window window)
    implements CborSerializable {

  public Silence {
    matchers = List.copyOf(matchers);
  }

  /**
   * A recurring window in UTC: on {@code days} (empty: every day) from {@code from} for {@code
   * minutes} (it may run past midnight).
   */
  public record Window(Set<DayOfWeek> days, LocalTime from, int minutes)
      implements CborSerializable {
    public Window {
      days = Set.copyOf(days);
      if (minutes <= 0 || minutes > 7 * 24 * 60) {
        throw new IllegalArgumentException("window minutes must be 1..10080");
      }
    }

    boolean covers(long millis) {
      ZonedDateTime at = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
      // The window that may cover `at` started today or on one of the previous days.
      for (int back = 0; back <= minutes / (24 * 60) + 1; back++) {
        ZonedDateTime day = at.minusDays(back);
        if (!days.isEmpty() && !days.contains(day.getDayOfWeek())) {
          continue;
        }
        ZonedDateTime start = day.with(from).withSecond(from.getSecond()).withNano(0);
        ZonedDateTime end = start.plusMinutes(minutes);
        if (!at.isBefore(start) && at.isBefore(end)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether it is in force at {@code nowMillis}. */
  public boolean activeAt(long nowMillis) {
    return nowMillis >= startsMillis
        && nowMillis < endsMillis
        && (window == null || window.covers(nowMillis));
  }

  /** Whether it has ended for good at {@code nowMillis}. */
  public boolean expiredAt(long nowMillis) {
    return nowMillis >= endsMillis;
  }

  /** Whether every matcher holds for {@code labels}. */
  public boolean matches(Map<String, String> labels) {
    return matchers.stream().allMatch(m -> m.matches(labels));
  }
}
