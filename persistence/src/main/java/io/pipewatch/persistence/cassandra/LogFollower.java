package io.pipewatch.persistence.cassandra;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the lines a server appends to its log from a given offset on, a chunk per call, keeping the
 * last lines for error messages. Follows a size-based rotation: when the file is replaced (another
 * inode) it finishes the rotated {@code <file>.1} and goes on at the start of the new file. Not
 * thread-safe: one launcher thread polls it.
 */
final class LogFollower {
  private static final int TAIL_LINES = 40;

  private final Path file;
  private long position;
  private final StringBuilder partial = new StringBuilder();
  private final Deque<String> tail = new ArrayDeque<>();

  private Object fileKey;

  LogFollower(Path file, long startPosition) {
    this.file = file;
    this.position = startPosition;
    this.fileKey = fileKey(file);
  }

  /** A follower from the current end of {@code file} (or its start once it exists). */
  static LogFollower fromEnd(Path file) throws IOException {
    return new LogFollower(file, Files.exists(file) ? Files.size(file) : 0);
  }

  /** The complete lines appended since the last call. */
  List<String> newLines() throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    Object key = fileKey(file);
    if (fileKey != null && key != null && !key.equals(fileKey)) {
      Path rotated = file.resolveSibling(file.getFileName() + ".1");
      if (fileKey.equals(fileKey(rotated))) {
        read(rotated, lines);
      }
      position = 0;
    } else if (Files.size(file) < position) {
      position = 0;
    }
    fileKey = key;
    read(file, lines);
    return lines;
  }

  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void read(Path path, List<String> lines) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (true) {
        buffer.clear();
        int read = channel.read(buffer, position);
        if (read <= 0) {
          break;
        }
        position += read;
        buffer.flip();
        // The log is ASCII apart from file names; a split multi-byte character only garbles one
        // character of one line, which matters to nobody reading it for two fixed phrases.
        partial.append(StandardCharsets.UTF_8.decode(buffer));
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          lines.add(line);
          remember(line);
        }
      }
    }
  }

  /** The last lines read (including an unfinished one), for an error message. */
  String tail() {
    StringBuilder out = new StringBuilder();
    for (String line : tail) {
      out.append("\n  | ").append(line);
    }
    if (partial.length() > 0) {
      out.append("\n  | ").append(partial);
    }
    return out.toString();
  }

  /**
   * The last {@code count} lines of {@code file} (at most its last 64 KB), formatted as {@link
   * #tail()} formats them; empty if the file is missing or empty.
   */
  static String tailOf(Path file, int count) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      long size = Files.size(file);
      LogFollower follower = new LogFollower(file, Math.max(0, size - 64 * 1024));
      follower.read(file, new ArrayList<>());
      StringBuilder out = new StringBuilder();
      List<String> last = new ArrayList<>(follower.tail);
      if (follower.partial.length() > 0) {
        last.add(follower.partial.toString());
      }
      for (String line : last.subList(Math.max(0, last.size() - count), last.size())) {
        out.append("\n  | ").append(line);
      }
      return out.toString();
    } catch (IOException e) {
      return "\n  | (cannot read " + file + ": " + e + ")";
    }
  }

  private void remember(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
  }
}
