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

/**
 * What a launcher needs to start the Cassandra server in a separate JVM: the main class, the JVM
 * options Cassandra cannot run without on JDK 11/17, and the class path (this module's own classes
 * or jar, then the jars of {@code cassandra-all} listed in the resource {@code
 * io/pipewatch/cassandra/server/classpath.txt}, written at build time by {@code
 * maven-dependency-plugin:build-classpath}). Loading this class loads nothing of Cassandra.
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

  private static final String RESOURCE = "classpath.txt";

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
   * @throws IllegalStateException if the build did not write the resource or a listed jar is
   *     missing (the local Maven repository was cleaned): rebuild with Maven
   */
  public static String classpath() {
    return String.join(java.io.File.pathSeparator, entries());
  }

  /** The server's class path entries, this module's own location first. */
  public static List<String> entries() {
    List<String> entries = new ArrayList<>();
    entries.add(ownLocation().toString());
    for (String entry : listedJars().split(java.io.File.pathSeparator)) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!Files.exists(Path.of(trimmed))) {
        throw new IllegalStateException(
            "Cassandra server jar "
                + trimmed
                + " is missing; rebuild with Maven"
                + " (mvn -pl cassandra-server package) to fetch it again");
      }
      entries.add(trimmed);
    }
    return List.copyOf(entries);
  }

  private static String listedJars() {
    try (InputStream in = CassandraServerJvm.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource io/pipewatch/cassandra/server/"
                + RESOURCE
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
