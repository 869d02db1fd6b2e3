package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Who may call the API: the tokens from {@code pipewatch.api.auth.tokens} (SHA-256 hashes, never
 * the tokens themselves) and from env {@code PIPEWATCH_API_TOKENS} ({@code
 * name:role:token[:prefix1|prefix2],...}, hashed as they are read), and the origins a browser may
 * open {@code /ws} from besides the server's own ({@code pipewatch.api.allowed-origins}). No token
 * at all means an open server bound to loopback only.
 */
record AuthSettings(List<ApiToken> tokens, List<String> allowedOrigins, int failuresPerMinute) {

  /** One token: its name (for logs and errors), role, SHA-256 and, for ingest, source prefixes. */
  record ApiToken(String name, Role role, byte[] sha256, List<String> sourcePrefixes) {
    ApiToken {
      sha256 = sha256.clone();
      sourcePrefixes = List.copyOf(sourcePrefixes);
    }

    /** Whether this token may send samples of {@code source}. */
    boolean mayIngest(String source) {
      return sourcePrefixes.isEmpty() || sourcePrefixes.stream().anyMatch(source::startsWith);
    }
  }

  AuthSettings {
    tokens = List.copyOf(tokens);
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Whether no token is configured: every route open, loopback only. */
  boolean open() {
    return tokens.isEmpty();
  }

  static AuthSettings create(SettingsReader api) {
    SettingsReader auth = api.section("auth");
    List<ApiToken> tokens = new ArrayList<>(configured(auth));
    tokens.addAll(fromEnv(auth.key("env-tokens"), auth.string("env-tokens")));
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (ApiToken token : tokens) {
      if (!names.add(token.name())) {
        throw new InvalidSettingException(
            auth.key("tokens"), "unique token names", token.name() + " (twice)");
      }
      if (!hashes.add(HexFormat.of().formatHex(token.sha256()))) {
        throw new InvalidSettingException(
            auth.key("tokens"), "a different secret for every token", token.name());
      }
    }
    int minBits = auth.intInRange("min-token-bits", 0, 1024);
    for (String[] plain : envSecrets(auth.string("env-tokens"))) {
      if (TokenStrength.bits(plain[1]) < minBits) {
        throw new InvalidSettingException(
            auth.key("env-tokens") + " (PIPEWATCH_API_TOKENS)",
            "tokens of at least "
                + minBits
                + " bits ("
                + auth.key("min-token-bits")
                + "), e.g. 32 hex digits from: openssl rand -hex 16",
            "a weaker token named '" + plain[0] + "'");
      }
    }
    List<String> origins = api.stringList("allowed-origins");
    for (String origin : origins) {
      if (!origin.matches("https?://[^/?#\\s]+")) {
        throw new InvalidSettingException(
            api.key("allowed-origins"), "origins like https://ops.example.com:8443", origin);
      }
    }
    return new AuthSettings(tokens, origins, auth.intInRange("failures-per-minute", 1, 1_000_000));
  }

  private static List<ApiToken> configured(SettingsReader auth) {
    List<? extends Config> items;
    try {
      items = auth.config().getConfigList("tokens");
    } catch (ConfigException e) {
      throw new InvalidSettingException(
          auth.key("tokens"), "a list of { name, role, sha256, source-prefixes }", null);
    }
    List<ApiToken> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Config item = items.get(i);
      String key = auth.key("tokens") + "[" + i + "]";
      String name = text(item, "name", key);
      Role role = role(text(item, "role", key), key + ".role");
      String hex = text(item, "sha256", key).toLowerCase(java.util.Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new InvalidSettingException(
            key + ".sha256",
            "64 hex digits: the SHA-256 of the token (printf %s TOKEN | sha256sum)",
            hex.length() + " characters");
      }
      List<String> prefixes =
          item.hasPath("source-prefixes") ? item.getStringList("source-prefixes") : List.of();
      out.add(token(name, role, HexFormat.of().parseHex(hex), prefixes, key));
    }
    return out;
  }

  /** The name and the token of each entry of {@code value} (already validated by fromEnv). */
  private static List<String[]> envSecrets(String value) {
    List<String[]> out = new ArrayList<>();
    if (value.isBlank()) {
      return out;
    }
    for (String entry : value.split(",")) {
      String[] parts = entry.trim().split(":", -1);
      out.add(new String[] {parts[0], parts[2]});
    }
    return out;
  }

  /** Parses {@code name:role:token[:prefix1|prefix2],...}; errors never show the token. */
  static List<ApiToken> fromEnv(String key, String value) {
    List<ApiToken> out = new ArrayList<>();
    if (value.isBlank()) {
      return out;
    }
    String[] entries = value.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].trim();
      String where = key + " (PIPEWATCH_API_TOKENS) entry " + (i + 1);
      String[] parts = entry.split(":", -1);
      if (parts.length < 3 || parts.length > 4 || parts[2].isEmpty()) {
        throw new InvalidSettingException(
            where, "name:role:token or name:role:token:prefix1|prefix2", null);
      }
      Role role = role(parts[1], where);
      List<String> prefixes =
          parts.length == 4 ? List.of(parts[3].split("\\|")) : List.<String>of();
      out.add(token(parts[0], role, ApiTokens.sha256(parts[2]), prefixes, where));
    }
    return out;
  }

  private static ApiToken token(
      String name, Role role, byte[] hash, List<String> prefixes, String key) {
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new InvalidSettingException(
          key + ".name", "1 to 64 letters, digits, '.', '_' or '-'", name);
    }
    if (!prefixes.isEmpty() && role != Role.INGEST) {
      throw new InvalidSettingException(
          key + ".source-prefixes", "source prefixes on ingest tokens only", role.id());
    }
    if (prefixes.stream().anyMatch(String::isEmpty)) {
      throw new InvalidSettingException(key + ".source-prefixes", "non-empty prefixes", prefixes);
    }
    return new ApiToken(name, role, hash, prefixes);
  }

  private static Role role(String id, String key) {
    return Role.ofToken(id)
        .orElseThrow(
            () -> new InvalidSettingException(key, "viewer, operator, admin or ingest", id));
  }

  private static String text(Config item, String path, String key) {
    try {
      String value = item.getString(path);
      if (value.isBlank()) {
        throw new InvalidSettingException(key + "." + path, "a non-empty string", value);
      }
      return value.trim();
    } catch (ConfigException e) {
      throw new InvalidSettingException(key + "." + path, "a non-empty string", null);
    }
  }
}
