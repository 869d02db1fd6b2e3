package io.pipewatch.persistence.cassandra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Java runtime able to run Cassandra 5.0 (feature version 11 or 17), and how one is found: the
 * configured home if one is set (it must be 11 or 17), else the current JVM if it is 11 or 17, else
 * the newest of those under {@code /usr/lib/jvm}. A runtime's version is read from the {@code
 * release} file of its home.
 */
record JavaRuntime(Path executable, int feature) {
  static final String JAVA_HOME_KEY = "pipewatch.persistence.embedded.java-home";

  private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
  private static final Pattern RELEASE_VERSION =
      Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");

  static boolean supported(int feature) {
    return feature == 11 || feature == 17;
  }

  /** Finds a runtime as described above, or fails saying what to install and set. */
  static JavaRuntime find(Optional<Path> configuredHome) {
    if (configuredHome.isPresent()) {
      Path home = configuredHome.get();
      Optional<JavaRuntime> runtime = inHome(home);
      if (runtime.isEmpty()) {
        throw new CassandraStartException(
            "Setting '"
                + JAVA_HOME_KEY
                + "' (env PIPEWATCH_CASSANDRA_JAVA_HOME) is "
                + home
                + ", which is not the home of a JDK 11 or 17 (no bin/java with a release file"
                + " saying 11 or 17)");
      }
      return runtime.get();
    }
    int current = Runtime.version().feature();
    if (supported(current)) {
      return new JavaRuntime(Path.of(System.getProperty("java.home"), "bin", "java"), current);
    }
    return installed(SYSTEM_JVMS)
        .orElseThrow(
            () ->
                new CassandraStartException(
                    "The embedded Cassandra 5.0 needs a JDK 11 or 17, but this JVM is "
                        + current
                        + " and none was found under "
                        + SYSTEM_JVMS
                        + ". Install one (Debian/Ubuntu:"
                        + " apt-get install openjdk-17-jre-headless) and set '"
                        + JAVA_HOME_KEY
                        + "' (env PIPEWATCH_CASSANDRA_JAVA_HOME) to its home, or run against an"
                        + " external Cassandra (env PIPEWATCH_CASSANDRA_CONTACT_POINTS)."));
  }

  /** The newest supported runtime directly under {@code root}, if any. */
  static Optional<JavaRuntime> installed(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    List<JavaRuntime> found = new ArrayList<>();
    try (Stream<Path> homes = Files.list(root)) {
      homes.sorted().forEach(home -> inHome(home).ifPresent(found::add));
    } catch (IOException e) {
      return Optional.empty();
    }
    return found.stream().max(Comparator.comparingInt(JavaRuntime::feature));
  }

  /** The runtime in {@code home} if it has {@code bin/java} and is version 11 or 17. */
  static Optional<JavaRuntime> inHome(Path home) {
    Path java = home.resolve("bin").resolve("java");
    if (!Files.isExecutable(java)) {
      return Optional.empty();
    }
    OptionalInt feature = releaseFeature(home.resolve("release"));
    if (feature.isEmpty() || !supported(feature.getAsInt())) {
      return Optional.empty();
    }
    return Optional.of(new JavaRuntime(java, feature.getAsInt()));
  }

  private static OptionalInt releaseFeature(Path release) {
    try {
      Matcher m = RELEASE_VERSION.matcher(Files.readString(release));
      return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}
