package io.pipewatch.api;

import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HTTPS for the node's HTTP server ({@code pipewatch.api.tls}): off by default; when on, a keystore
 * file (PKCS12 or JKS) holding the server's key and certificate chain.
 */
record TlsSettings(boolean enabled, Path keystore, String password, String keystoreType) {

  @Override
  public String toString() {
    return "TlsSettings[enabled="
        + enabled
        + ", keystore="
        + keystore
        + ", type="
        + keystoreType
        + "]";
  }

  static TlsSettings create(SettingsReader api) {
    SettingsReader tls = api.section("tls");
    boolean enabled = tls.bool("enabled");
    String type = tls.nonBlankString("keystore-type");
    if (!enabled) {
      return new TlsSettings(false, null, "", type);
    }
    String file = tls.string("keystore-path");
    if (file.isBlank() || !Files.isReadable(Path.of(file))) {
      throw new InvalidSettingException(tls.key("keystore-path"), "a readable keystore file", file);
    }
    return new TlsSettings(true, Path.of(file), tls.string("keystore-password"), type);
  }
}
