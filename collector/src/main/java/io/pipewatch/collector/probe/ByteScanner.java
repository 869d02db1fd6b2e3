package io.pipewatch.collector.probe;

/**
 * A cursor over the bytes of a kernel text file: tokens separated by blanks, lines by {@code \n}.
 * Numbers are parsed straight from the bytes, names compared against pre-encoded byte arrays, so
 * scanning allocates nothing. One instance is reused for every file of a cycle.
 */
final class ByteScanner {
  private byte[] bytes;
  private int end;
  private int pos;
  private boolean lastOk;

  ByteScanner reset(byte[] bytes, int length) {
    this.bytes = bytes;
    this.end = length;
    this.pos = 0;
    return this;
  }

  ByteScanner reset(ProcFile file) {
    return reset(file.buffer(), file.length());
  }

  boolean hasMore() {
    return pos < end;
  }

  /** Whether the last {@link #nextLong()} or {@link #nextDecimal()} found a number. */
  boolean lastOk() {
    return lastOk;
  }

  /** Moves to the start of the next line. */
  void nextLine() {
    while (pos < end && bytes[pos] != '\n') {
      pos++;
    }
    if (pos < end) {
      pos++;
    }
  }

  private void skipBlanks() {
    while (pos < end && (bytes[pos] == ' ' || bytes[pos] == '\t' || bytes[pos] == ':')) {
      pos++;
    }
  }

  /**
   * The next token (up to a blank, {@code :} or the end of the line) if it equals one of {@code
   * names}: its index, else -1. The cursor moves past the token either way.
   */
  int nextToken(byte[][] names) {
    skipBlanks();
    int start = pos;
    while (pos < end) {
      byte b = bytes[pos];
      if (b == ' ' || b == '\t' || b == ':' || b == '\n') {
        break;
      }
      pos++;
    }
    int length = pos - start;
    for (int n = 0; n < names.length; n++) {
      byte[] name = names[n];
      if (name.length == length && regionEquals(start, name)) {
        return n;
      }
    }
    return -1;
  }

  /** Skips one token. */
  void skipToken() {
    skipBlanks();
    while (pos < end && bytes[pos] != ' ' && bytes[pos] != '\t' && bytes[pos] != '\n') {
      pos++;
    }
  }

  /** The next token as text (allocates: for discovery only). */
  String nextTokenText() {
    skipBlanks();
    int start = pos;
    while (pos < end
        && bytes[pos] != ' '
        && bytes[pos] != '\t'
        && bytes[pos] != ':'
        && bytes[pos] != '\n') {
      pos++;
    }
    return new String(bytes, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Moves past the next {@code b} on this line; false (at the line's end) if there is none. */
  boolean skipPast(byte b) {
    while (pos < end && bytes[pos] != '\n') {
      if (bytes[pos++] == b) {
        return true;
      }
    }
    return false;
  }

  /** Whether the current line starts with {@code prefix} (the cursor does not move). */
  boolean lineStartsWith(byte[] prefix) {
    return end - pos >= prefix.length && regionEquals(pos, prefix);
  }

  /** The next whole number on this line, or 0 with {@link #lastOk()} false if there is none. */
  long nextLong() {
    skipBlanks();
    boolean negative = false;
    if (pos < end && bytes[pos] == '-') {
      negative = true;
      pos++;
    }
    long value = 0;
    int start = pos;
    while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') {
      value = value * 10 + (bytes[pos] - '0');
      pos++;
    }
    lastOk = pos > start;
    return negative ? -value : value;
  }

  /** The next decimal number such as {@code 0.08} on this line (no exponent). */
  double nextDecimal() {
    long whole = nextLong();
    if (!lastOk) {
      return 0;
    }
    double value = Math.abs(whole);
    if (pos < end && bytes[pos] == '.') {
      pos++;
      long fraction = 0;
      long scale = 1;
      while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') {
        if (scale < 1_000_000_000_000L) {
          fraction = fraction * 10 + (bytes[pos] - '0');
          scale *= 10;
        }
        pos++;
      }
      value += (double) fraction / scale;
    }
    return whole < 0 ? -value : value;
  }

  private boolean regionEquals(int start, byte[] name) {
    for (int i = 0; i < name.length; i++) {
      if (bytes[start + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[][] names(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = names[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return out;
  }
}
