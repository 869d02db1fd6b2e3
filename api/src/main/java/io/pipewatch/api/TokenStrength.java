package io.pipewatch.api;

/**
 * A floor under the strength of the tokens given in plain text ({@code PIPEWATCH_API_TOKENS}): the
 * estimate is the token's length times log2 of the alphabet its character classes span (lower case
 * 26, upper case 26, digits 10, anything else 33), so 32 hex digits count 165 bits and 22 base64url
 * characters at least 131, while {@code view-4f9c2e} counts 68. A token under {@code
 * pipewatch.api.auth.min-token-bits} (128) stops start-up, naming the token's name, never the
 * token. A generator that always passes: {@code openssl rand -hex 16} or {@code head -c 16
 * /dev/urandom | od -An -tx1 | tr -d ' \n'}. Hashed tokens in configuration cannot be measured.
 */
final class TokenStrength {
  private TokenStrength() {}

  /** The estimated bits of {@code token}. */
  static double bits(String token) {
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    int alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    if (alphabet < 2 || distinct(token) < 2) {
      return 0;
    }
    return token.length() * (Math.log(alphabet) / Math.log(2));
  }

  private static long distinct(String token) {
    return token.chars().distinct().count();
  }
}
