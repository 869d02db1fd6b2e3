package io.pipewatch.cassandra.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a launcher needs to start the Cassandra server in a separate JVM: the main class, the JVM
 * options Cassandra cannot run without on JDK 11/17, and the class path (this module's own classes
 * or jar, then the jars of {@code cassandra-all}). The jars are listed at build time by {@code
 * maven-dependency-plugin:build-classpath} twice: as local-repository paths ({@code classpath.txt},
 * used in a build tree) and as paths relative to this module's jar ({@code
 * classpath-distribution.txt}, used in a distribution whose {@code lib/cassandra/} holds them, so a
 * machine that never built the project runs it). Loading this class loads nothing of Cassandra.
 *
 * <pre>{@code
 * List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
 * command.addAll(CassandraServerJvm.requiredJvmOptions());
 * command.addAll(List.of("-cp", CassandraServerJvm.classpath(), CassandraServerJvm.MAIN_CLASS));
 * }</pre>
 */
public final class CassandraServerJvm {
  /** The main class to run: Cassandra's daemon, bound to the life of its parent process. */
  public static final String MAIN_CLASS = "io.pipewatch.cassandra.server.ParentBoundCassandra";

  /** The version of {@code cassandra-all} this module was built against. */
  public static final String CASSANDRA_VERSION = "5.0.9";

  /** The folder, beside this module's jar in a distribution, that holds Cassandra's jars. */
  public static final String DISTRIBUTION_FOLDER = "cassandra";

  /** Absolute paths of Cassandra's jars in the local Maven repository (build trees). */
  private static final String REPOSITORY_RESOURCE = "classpath.txt";

  /** The same jars as paths relative to this module's jar in a distribution. */
  private static final String DISTRIBUTION_RESOURCE = "classpath-distribution.txt";

  /**
   * Options without which Cassandra 5.0 stops at once on JDK 17 (IllegalAccessException): the
   * content of its distribution's {@code conf/jvm17-server.options}, less what a launcher chooses
   * itself (heap, GC). Harmless on JDK 11.
   */
  private static final List<String> REQUIRED_JVM_OPTIONS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports=java.sql/java.sql=ALL-UNNAMED",
          "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Djava.net.preferIPv4Stack=true");

  /** The JVM options Cassandra needs on JDK 11/17 whatever the launcher chooses. */
  public static List<String> requiredJvmOptions() {
    return REQUIRED_JVM_OPTIONS;
  }

  private CassandraServerJvm() {}

  /**
   * The server's class path, entries joined with the platform's path separator.
   *
   * @throws IllegalStateException if the build did not write the resources or a listed jar is
   *     missing (the local Maven repository was cleaned): rebuild with Maven
   */
  public static String classpath() {
    return String.join(java.io.File.pathSeparator, entries());
  }

  /**
   * The server's class path entries, this module's own location first. In a distribution (this
   * module's jar sits in a folder beside {@value #DISTRIBUTION_FOLDER}/) the jars come from that
   * folder; in a build tree they come from the local Maven repository.
   */
  public static List<String> entries() {
    return entries(
        ownLocation(), () -> resource(REPOSITORY_RESOURCE), () -> resource(DISTRIBUTION_RESOURCE));
  }

  /**
   * The class path entries for this module found at {@code own} (its jar or classes folder): the
   * jars named by {@code distributionListing} (paths relative to the jar's folder, separated by
   * {@code :}) if that folder holds a {@value #DISTRIBUTION_FOLDER}/ sub-folder, else the absolute
   * paths of {@code repositoryListing}.
   */
  static List<String> entries(
      Path own, Supplier<String> repositoryListing, Supplier<String> distributionListing) {
    List<String> entries = new ArrayList<>();
    entries.add(own.toString());
    Path folder = own.getParent();
    if (Files.isRegularFile(own)
        && folder != null
        && Files.isDirectory(folder.resolve(DISTRIBUTION_FOLDER))) {
      for (String name : split(distributionListing.get(), ":")) {
        Path jar = folder.resolve(name).normalize();
        if (!Files.isRegularFile(jar)) {
          throw new IllegalStateException(
              "Cassandra server jar "
                  + jar
                  + " is missing from the distribution; unpack the archive again");
        }
        entries.add(jar.toString());
      }
      return List.copyOf(entries);
    }
    for (String entry : split(repositoryListing.get(), java.io.File.pathSeparator)) {
      if (!Files.exists(Path.of(entry))) {
        throw new IllegalStateException(
            "Cassandra server jar "
                + entry
                + " is missing; rebuild with Maven"
                + " (mvn -pl cassandra-server package) to fetch it again");
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  private static List<String> split(String listing, String separator) {
    List<String> parts = new ArrayList<>();
    for (String entry : listing.split(java.util.regex.Pattern.quote(separator))) {
      String trimmed = entry.trim();
      if (!trimmed.isEmpty()) {
        parts.add(trimmed);
      }
    }
    return parts;
  }

  private static String resource(String name) {
    try (InputStream in = CassandraServerJvm.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource io/pipewatch/cassandra/server/"
                + name
                + " is missing; build the"
                + " cassandra-server module with Maven");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path ownLocation() {
    try {
      return Path.of(
          CassandraServerJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the cassandra-server classes", e);
    }
  }
}
