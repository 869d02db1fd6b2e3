package io.pipewatch.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/** The HTTPS context of the HTTP server, from the keystore named by {@link TlsSettings}. */
final class TlsContext {
  private TlsContext() {}

  /** The server context; a keystore that cannot be read fails naming its key. */
  static HttpsConnectionContext server(TlsSettings tls) {
    try (InputStream in = Files.newInputStream(tls.keystore())) {
      char[] password = tls.password().toCharArray();
      KeyStore store = KeyStore.getInstance(tls.keystoreType());
      store.load(in, password);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return ConnectionContext.httpsServer(context);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot use keystore "
              + tls.keystore()
              + " (pipewatch.api.tls.keystore-path, keystore-password, keystore-type): "
              + e.getMessage(),
          e);
    }
  }
}
