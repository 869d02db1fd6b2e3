package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code pipewatch.cluster} section: how this node finds the others (Cluster Bootstrap over a
 * discovery method, or none: it joins itself), where Pekko Management serves {@code /alive} and
 * {@code /ready}, whether remoting runs over TLS, and the credentials of an external Cassandra.
 * {@link #pekkoConfig()} turns these settings into the {@code pekko.*} keys they stand for.
 *
 * <pre>{@code
 * ClusterSettings cluster = ClusterSettings.create(config);
 * ActorSystem.create(guardian, "pipewatch", cluster.pekkoConfig().withFallback(config));
 * }</pre>
 *
 * @param discovery how the node finds its peers
 * @param serviceName the name discovery looks up ({@code app=<name>} pods in Kubernetes)
 * @param contactPoints the management endpoints of the nodes ({@link Discovery#CONFIG} only)
 * @param requiredContactPoints how many contact points must be found before a first cluster forms
 * @param podLabelSelector Kubernetes label selector of the pods, {@code %s} standing for the name
 * @param management where Pekko Management serves its routes
 * @param tls TLS key and trust stores of remoting, when remoting runs over TLS
 * @param cassandraUsername user name of an external Cassandra with authentication, when set
 * @param cassandraPassword its password
 * @param cassandraTls TLS of the driver to an external Cassandra, when on
 */
public record ClusterSettings(
    Discovery discovery,
    String serviceName,
    List<Endpoint> contactPoints,
    int requiredContactPoints,
    String podLabelSelector,
    Management management,
    Optional<Tls> tls,
    Optional<String> cassandraUsername,
    String cassandraPassword,
    Optional<CassandraTls> cassandraTls) {

  /**
   * TLS of the Cassandra driver: the trust store of the servers' certificates, an optional key
   * store for client certificates, and whether host names are checked.
   */
  public record CassandraTls(
      Path trustStore,
      String trustStorePassword,
      Optional<Path> keyStore,
      String keyStorePassword,
      boolean hostnameValidation) {
    @Override
    public String toString() {
      return "CassandraTls[" + trustStore + ", key store " + keyStore + "]";
    }
  }

  /** The configuration section these settings are read from. */
  public static final String SECTION = "pipewatch.cluster";

  /** How a node finds the other members. */
  public enum Discovery {
    /** It does not: the node joins itself and is a cluster of one (the default). */
    NONE,
    /** Cluster Bootstrap over the fixed list {@code contact-points} (several local nodes). */
    CONFIG,
    /** Cluster Bootstrap over the Kubernetes API: the pods labelled with the service name. */
    KUBERNETES_API
  }

  /** A host and port. */
  public record Endpoint(String host, int port) {}

  /**
   * Pekko Management's HTTP server.
   *
   * @param enabled whether the node serves {@code /alive}, {@code /ready} and {@code
   *     /cluster/members} at all (Cluster Bootstrap needs it)
   * @param hostname the address other nodes reach it at (what discovery returns for this node)
   * @param bindInterface the interface it binds to
   * @param port its port
   */
  public record Management(boolean enabled, String hostname, String bindInterface, int port) {}

  /**
   * Artery over {@code tls-tcp} with mutual authentication.
   *
   * @param keyStore JKS or PKCS12 file holding this node's key and certificate
   * @param keyStorePassword its password (also the key's)
   * @param trustStore the certificates of the nodes (or of their CA) this node trusts
   * @param trustStorePassword its password
   */
  public record Tls(
      Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {}

  public ClusterSettings {
    contactPoints = List.copyOf(contactPoints);
  }

  /** These settings with Pekko Management bound to {@code bindInterface} instead. */
  ClusterSettings withManagementInterface(String bindInterface) {
    return new ClusterSettings(
        discovery,
        serviceName,
        contactPoints,
        requiredContactPoints,
        podLabelSelector,
        new Management(
            management.enabled(), management.hostname(), bindInterface, management.port()),
        tls,
        cassandraUsername,
        cassandraPassword,
        cassandraTls);
  }

  /** Whether this node expects other members: it then needs a Cassandra they all share. */
  public boolean multiNode() {
    return discovery != Discovery.NONE;
  }

  /**
   * Reads and validates {@code pipewatch.cluster}.
   *
   * @throws InvalidSettingException naming the first bad key
   */
  public static ClusterSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    Discovery discovery = in.enumValue("discovery", Discovery.class);
    List<Endpoint> contactPoints = endpoints(in, "contact-points");
    int required = in.intInRange("required-contact-point-nr", 1, 100);
    if (discovery == Discovery.CONFIG && contactPoints.isEmpty()) {
      throw new InvalidSettingException(
          in.key("contact-points"),
          "at least one host:port (the management endpoints of the nodes) with discovery = config",
          "[]");
    }
    if (discovery == Discovery.CONFIG && required > contactPoints.size()) {
      throw new InvalidSettingException(
          in.key("required-contact-point-nr"),
          "at most the number of contact-points (" + contactPoints.size() + ")",
          required);
    }
    if (discovery != Discovery.NONE && !in.bool("management.enabled")) {
      throw new InvalidSettingException(
          in.key("management.enabled"),
          "true when discovery is " + in.string("discovery") + " (Cluster Bootstrap needs it)",
          false);
    }
    requireTlsOffLoopback(root, in, discovery);
    String selector = in.nonBlankString("kubernetes.pod-label-selector");
    SettingsReader management = in.section("management");
    SettingsReader tls = in.section("tls");
    String username = in.string("cassandra.username").trim();
    return new ClusterSettings(
        discovery,
        serviceName(in),
        contactPoints,
        required,
        selector,
        new Management(
            management.bool("enabled"),
            management.nonBlankString("hostname"),
            management.nonBlankString("interface"),
            management.port("port")),
        tls.bool("enabled") ? Optional.of(tls(tls)) : Optional.empty(),
        username.isEmpty() ? Optional.empty() : Optional.of(username),
        in.string("cassandra.password"),
        in.bool("cassandra.tls.enabled")
            ? Optional.of(cassandraTls(in.section("cassandra.tls")))
            : Optional.empty());
  }

  /**
   * The Pekko settings these stand for: Management's address, Cluster Bootstrap's discovery, TLS
   * remoting and the driver's authentication. Lay it over the deployment's configuration.
   */
  public Config pekkoConfig() {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("pekko.management.http.hostname", management.hostname());
    keys.put("pekko.management.http.port", management.port());
    keys.put("pekko.management.http.bind-hostname", management.bindInterface());
    keys.put("pekko.management.http.bind-port", management.port());
    String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    keys.put(bootstrap + "service-name", serviceName);
    keys.put(bootstrap + "required-contact-point-nr", requiredContactPoints);
    switch (discovery) {
      case CONFIG -> {
        keys.put(bootstrap + "discovery-method", "config");
        // Nodes on one host differ by management port: keep every listed endpoint (by default
        // Bootstrap keeps only those on this node's own management port).
        keys.put("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port", false);
        List<Map<String, Object>> endpoints = new ArrayList<>();
        for (Endpoint point : contactPoints) {
          endpoints.add(Map.of("host", point.host(), "port", point.port()));
        }
        keys.put("pekko.discovery.config.services." + serviceName + ".endpoints", endpoints);
      }
      case KUBERNETES_API -> {
        keys.put(bootstrap + "discovery-method", "kubernetes-api");
        keys.put(bootstrap + "port-name", "management");
        keys.put("pekko.discovery.kubernetes-api.pod-label-selector", podLabelSelector);
      }
      case NONE ->
          // a node of its own talks to no peer: remoting listens on loopback only
          keys.put("pekko.remote.artery.bind.hostname", "127.0.0.1");
    }
    tls.ifPresent(
        value -> {
          String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
          keys.put("pekko.remote.artery.transport", "tls-tcp");
          keys.put(engine + "key-store", value.keyStore().toString());
          keys.put(engine + "key-store-password", value.keyStorePassword());
          keys.put(engine + "key-password", value.keyStorePassword());
          keys.put(engine + "trust-store", value.trustStore().toString());
          keys.put(engine + "trust-store-password", value.trustStorePassword());
          keys.put(engine + "require-mutual-authentication", true);
        });
    cassandraUsername.ifPresent(
        user -> {
          String auth = "datastax-java-driver.advanced.auth-provider.";
          keys.put(auth + "class", "PlainTextAuthProvider");
          keys.put(auth + "username", user);
          keys.put(auth + "password", cassandraPassword);
        });
    cassandraTls.ifPresent(
        value -> {
          String ssl = "datastax-java-driver.advanced.ssl-engine-factory.";
          keys.put(ssl + "class", "DefaultSslEngineFactory");
          keys.put(ssl + "truststore-path", value.trustStore().toString());
          keys.put(ssl + "truststore-password", value.trustStorePassword());
          keys.put(ssl + "hostname-validation", value.hostnameValidation());
          value
              .keyStore()
              .ifPresent(
                  store -> {
                    keys.put(ssl + "keystore-path", store.toString());
                    keys.put(ssl + "keystore-password", value.keyStorePassword());
                  });
        });
    Config config = ConfigFactory.empty();
    for (Map.Entry<String, Object> key : keys.entrySet()) {
      config =
          config.withValue(key.getKey(), ConfigValueFactory.fromAnyRef(key.getValue(), SECTION));
    }
    return config;
  }

  /**
   * Remoting of a cluster (discovery other than none) on an address other nodes reach over the
   * network must run over TLS: it is outside the API's tokens, and a peer that joins can send every
   * node's actors commands. Plain remoting stays allowed on loopback (nodes of one machine) and
   * where {@code tls.allow-plaintext} says another layer isolates it.
   */
  private static void requireTlsOffLoopback(Config root, SettingsReader in, Discovery discovery) {
    if (discovery == Discovery.NONE || in.bool("tls.enabled") || in.bool("tls.allow-plaintext")) {
      return;
    }
    String host = remotingHost(root);
    if (!HttpServer.loopbackOnly(host).equals(host)) {
      throw new InvalidSettingException(
          in.key("tls.enabled"),
          "true (PIPEWATCH_REMOTING_TLS, with key and trust stores) when discovery is "
              + in.string("discovery")
              + " and remoting listens on "
              + host
              + ", not loopback",
          false);
    }
  }

  private static String remotingHost(Config root) {
    String key = "pekko.remote.artery.canonical.hostname";
    return root.hasPath(key) ? root.getString(key) : "127.0.0.1";
  }

  private static String serviceName(SettingsReader in) {
    String name = in.nonBlankString("service-name").trim();
    if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new InvalidSettingException(
          in.key("service-name"), "a DNS label (lower-case letters, digits and '-')", name);
    }
    return name;
  }

  private static Tls tls(SettingsReader in) {
    return new Tls(
        store(in, "key-store"),
        in.nonBlankString("key-store-password"),
        store(in, "trust-store"),
        in.nonBlankString("trust-store-password"));
  }

  private static CassandraTls cassandraTls(SettingsReader in) {
    String keyStore = in.string("key-store").trim();
    return new CassandraTls(
        store(in, "trust-store"),
        in.string("trust-store-password"),
        keyStore.isEmpty() ? Optional.empty() : Optional.of(store(in, "key-store")),
        in.string("key-store-password"),
        in.bool("hostname-validation"));
  }

  private static Path store(SettingsReader in, String key) {
    Path path = Path.of(in.nonBlankString(key).trim()).toAbsolutePath().normalize();
    if (!java.nio.file.Files.isReadable(path)) {
      throw new InvalidSettingException(in.key(key), "a readable key store file", path);
    }
    return path;
  }

  /**
   * A list {@code ["a:8558", "b:8558"]} or, as an environment variable gives it, one
   * comma-separated string {@code "a:8558,b:8558"}.
   */
  private static List<Endpoint> endpoints(SettingsReader in, String key) {
    if (!in.has(key)) {
      throw new InvalidSettingException(in.key(key), "a value (none is set)", null);
    }
    List<String> texts = new ArrayList<>();
    if (in.config().getValue(key).valueType() == ConfigValueType.STRING) {
      texts.addAll(List.of(in.string(key).split(",")));
    } else {
      texts.addAll(in.stringList(key));
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String text : texts) {
      if (!text.isBlank()) {
        endpoints.add(endpoint(in.key(key), text.trim()));
      }
    }
    return endpoints;
  }

  private static Endpoint endpoint(String key, String text) {
    String expected = "host:port with a port from 1 to 65535, e.g. 127.0.0.1:8558";
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new InvalidSettingException(key, expected, text);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new InvalidSettingException(key, expected, text);
      }
      return new Endpoint(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(key, expected, text);
    }
  }
}
