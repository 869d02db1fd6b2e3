package io.pipewatch.api;

import java.util.Locale;
import java.util.Optional;

/**
 * What a route needs, and what a token grants. {@code viewer < operator < admin}; {@code ingest}
 * stands apart (it may only send data); {@code public} routes need no token at all.
 */
enum Role {
  PUBLIC,
  VIEWER,
  OPERATOR,
  ADMIN,
  INGEST;

  /** Whether a token with role {@code granted} may call a route that needs this role. */
  boolean admits(Role granted) {
    return switch (this) {
      case PUBLIC -> true;
      case VIEWER -> granted == VIEWER || granted == OPERATOR || granted == ADMIN;
      case OPERATOR -> granted == OPERATOR || granted == ADMIN;
      case ADMIN -> granted == ADMIN;
      case INGEST -> granted == INGEST || granted == ADMIN;
    };
  }

  /** The role's name as written in settings, tokens and errors ({@code viewer}, ...). */
  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a token may be given ({@code public} is not one), by its {@link #id()}. */
  static Optional<Role> ofToken(String id) {
    for (Role role : values()) {
      if (role != PUBLIC && role.id().equals(id)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
