package io.pipewatch.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the configured token a presented secret belongs to by its SHA-256. Every configured hash is
 * compared, each in constant time ({@link MessageDigest#isEqual}), so the time taken tells nothing
 * about which hash, or how much of one, matched.
 */
final class ApiTokens {
  private final List<AuthSettings.ApiToken> tokens;

  ApiTokens(List<AuthSettings.ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  /** The token whose hash is the SHA-256 of {@code secret}, if any. */
  Optional<AuthSettings.ApiToken> find(String secret) {
    byte[] hash = sha256(secret);
    AuthSettings.ApiToken found = null;
    for (AuthSettings.ApiToken token : tokens) {
      if (MessageDigest.isEqual(hash, token.sha256()) && found == null) {
        found = token;
      }
    }
    return Optional.ofNullable(found);
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
