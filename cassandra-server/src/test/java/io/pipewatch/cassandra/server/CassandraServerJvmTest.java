package io.pipewatch.cassandra.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraServerJvmTest {
  @TempDir Path dir;

  @Test
  void aJarBesideACassandraFolderTakesTheJarsFromThatFolder() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path own = Files.writeString(lib.resolve("pipewatch-cassandra-server.jar"), "jar");
    Files.createDirectories(lib.resolve("cassandra"));
    Files.writeString(lib.resolve("cassandra/a-1.jar"), "a");
    Files.writeString(lib.resolve("cassandra/b-2.jar"), "b");

    List<String> entries =
        CassandraServerJvm.entries(
            own,
            () -> {
              throw new AssertionError("the repository listing must not be read");
            },
            () -> "cassandra/a-1.jar:cassandra/b-2.jar\n");

    assertThat(entries)
        .containsExactly(
            own.toString(),
            lib.resolve("cassandra/a-1.jar").toString(),
            lib.resolve("cassandra/b-2.jar").toString());
  }

  @Test
  void aJarMissingFromTheDistributionIsNamed() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path own = Files.writeString(lib.resolve("pipewatch-cassandra-server.jar"), "jar");
    Files.createDirectories(lib.resolve("cassandra"));

    assertThatThrownBy(
            () -> CassandraServerJvm.entries(own, () -> "", () -> "cassandra/gone-1.jar"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gone-1.jar")
        .hasMessageContaining("distribution");
  }

  @Test
  void aBuildTreeTakesTheRepositoryPaths() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("target/classes"));
    Path repoJar = Files.writeString(dir.resolve("repo-c-3.jar"), "c");

    List<String> entries =
        CassandraServerJvm.entries(
            classes,
            () -> repoJar.toString(),
            () -> {
              throw new AssertionError("the distribution listing must not be read");
            });

    assertThat(entries).containsExactly(classes.toString(), repoJar.toString());
  }

  @Test
  void aCleanedRepositoryIsNamed() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("target/classes"));
    String gone = dir.resolve("gone-4.jar").toString();

    assertThatThrownBy(() -> CassandraServerJvm.entries(classes, () -> gone, () -> ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(gone)
        .hasMessageContaining("rebuild with Maven");
  }

  @Test
  void theBuildWroteBothListingsOfTheSameJars() throws IOException {
    List<String> repository = CassandraServerJvm.entries();
    assertThat(repository).hasSizeGreaterThan(50);
    assertThat(repository)
        .anyMatch(
            e -> e.endsWith("cassandra-all-" + CassandraServerJvm.CASSANDRA_VERSION + ".jar"));
    List<String> repositoryNames =
        repository.stream().skip(1).map(e -> Path.of(e).getFileName().toString()).toList();
    String distribution;
    try (var in = CassandraServerJvm.class.getResourceAsStream("classpath-distribution.txt")) {
      assertThat(in).isNotNull();
      distribution = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
    assertThat(distribution.split(":"))
        .allMatch(e -> e.startsWith(CassandraServerJvm.DISTRIBUTION_FOLDER + "/"))
        .extracting(e -> e.substring(e.indexOf('/') + 1))
        .containsExactlyElementsOf(repositoryNames);
  }
}
