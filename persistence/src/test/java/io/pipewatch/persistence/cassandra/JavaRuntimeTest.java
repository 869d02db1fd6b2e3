package io.pipewatch.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class JavaRuntimeTest {

  @TempDir Path jvms;

  @Test
  void prefersTheNewestSupportedJdkAndIgnoresOthers() throws IOException {
    home("jdk-11", "11.0.24");
    home("jdk-17", "17.0.15");
    home("jdk-25", "25.0.1");
    home("jdk-8", "1.8.0_402");

    Optional<JavaRuntime> found = JavaRuntime.installed(jvms);

    assertThat(found).isPresent();
    assertThat(found.get().feature()).isEqualTo(17);
    assertThat(found.get().executable()).isEqualTo(jvms.resolve("jdk-17/bin/java"));
  }

  @Test
  void findsNothingWhenOnlyUnsupportedJdksAreInstalled() throws IOException {
    home("jdk-21", "21.0.4");
    Files.createDirectories(jvms.resolve("not-a-jdk"));

    assertThat(JavaRuntime.installed(jvms)).isEmpty();
  }

  @Test
  void aConfiguredHomeWinsAndMustBeElevenOrSeventeen() throws IOException {
    Path eleven = home("jdk-11", "11.0.24");
    Path newer = home("jdk-25", "25.0.1");

    assertThat(JavaRuntime.find(Optional.of(eleven)).feature()).isEqualTo(11);
    assertThatThrownBy(() -> JavaRuntime.find(Optional.of(newer)))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("pipewatch.persistence.embedded.java-home")
        .hasMessageContaining("PIPEWATCH_CASSANDRA_JAVA_HOME");
  }

  @Test
  void withoutConfigurationTheCurrentJvmIsUsedWhenSupported() {
    // The build runs on JDK 17 (see STACK.md); on another JDK this checks the fallback instead.
    JavaRuntime runtime = JavaRuntime.find(Optional.empty());

    assertThat(JavaRuntime.supported(runtime.feature())).isTrue();
    assertThat(Files.isExecutable(runtime.executable())).isTrue();
  }

  private Path home(String name, String version) throws IOException {
    Path home = Files.createDirectories(jvms.resolve(name));
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
