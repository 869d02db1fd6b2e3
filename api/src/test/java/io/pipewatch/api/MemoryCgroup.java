package io.pipewatch.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A memory-limited cgroup under this process's own one (v1 memory controller, or v2 with the memory
 * controller enabled), for a fault child. Where none can be made (not root, read-only cgroupfs,
 * another OS) the test is skipped with the reason, not failed.
 */
final class MemoryCgroup implements AutoCloseable {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private final Path dir;
  private final Path parentProcs;

  private MemoryCgroup(Path dir, Path parentProcs) {
    this.dir = dir;
    this.parentProcs = parentProcs;
  }

  static MemoryCgroup create(String name, long limitMiB) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
      long limit = limitMiB << 20;
      for (String line : lines) {
        String[] parts = line.split(":", 3);
        if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
          Path parent = ROOT.resolve("memory").resolve(parts[2].substring(1));
          Path dir = parent.resolve(name);
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limit));
          return new MemoryCgroup(dir, parent.resolve("cgroup.procs"));
        }
      }
      if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
        for (String line : lines) {
          if (line.startsWith("0::")) {
            Path parent = ROOT.resolve(line.substring(4));
            Path dir = parent.resolve(name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("memory.max"), Long.toString(limit));
            return new MemoryCgroup(dir, parent.resolve("cgroup.procs"));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      Assumptions.abort("no memory-limited cgroup can be made here: " + e);
    }
    Assumptions.abort("no memory cgroup controller found in /proc/self/cgroup");
    return null;
  }

  /** Moves process {@code pid} into this cgroup. */
  void add(long pid) throws IOException {
    Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
  }

  /** Moves any process left back to the parent, then removes the cgroup. */
  @Override
  public void close() throws IOException {
    Path procs = dir.resolve("cgroup.procs");
    if (Files.exists(procs)) {
      for (String pid : Files.readAllLines(procs)) {
        if (!pid.isBlank()) {
          try {
            Files.writeString(parentProcs, pid.strip());
          } catch (IOException e) {
            // the process has exited meanwhile
          }
        }
      }
    }
    Files.deleteIfExists(dir);
  }
}
