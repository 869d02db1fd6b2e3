package io.pipewatch.persistence.cassandra;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the lines a server appends to its log from a given offset on, a chunk per call, keeping the
 * last lines for error messages. Not thread-safe: one launcher thread polls it.
 */
final class LogFollower {
  private static final int TAIL_LINES = 40;

  private final Path file;
  private long position;
  private final StringBuilder partial = new StringBuilder();
  private final Deque<String> tail = new ArrayDeque<>();

  LogFollower(Path file, long startPosition) {
    this.file = file;
    this.position = startPosition;
  }

  /** The complete lines appended since the last call. */
  List<String> newLines() throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
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
    return lines;
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

  private void remember(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
  }
}
