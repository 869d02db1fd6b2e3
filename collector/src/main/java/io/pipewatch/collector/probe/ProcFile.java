package io.pipewatch.collector.probe;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * One kernel text file (procfs, sysfs, cgroupfs) read again every cycle into a reused buffer. The
 * file stays open: seeking to 0 and reading again makes the kernel regenerate the content (the
 * seq_file contract), so a cycle costs two system calls and no allocation. A file that does not
 * exist is remembered as missing and never tried again; a read error closes it and the next cycle
 * reopens it.
 */
final class ProcFile implements AutoCloseable {
  private final Path path;
  private RandomAccessFile file;
  private boolean missing;
  private byte[] buffer;
  private int length;

  ProcFile(Path path, int initialCapacity) {
    this.path = path;
    this.buffer = new byte[initialCapacity];
  }

  Path path() {
    return path;
  }

  /** Whether the file could not be opened (it does not exist here). */
  boolean missing() {
    return missing;
  }

  byte[] buffer() {
    return buffer;
  }

  int length() {
    return length;
  }

  /** Reads the whole file into {@link #buffer()}; false if it is missing or unreadable now. */
  boolean read() {
    if (missing) {
      return false;
    }
    try {
      if (file == null) {
        file = new RandomAccessFile(path.toFile(), "r");
      } else {
        file.seek(0);
      }
      int total = 0;
      while (true) {
        if (total == buffer.length) {
          byte[] larger = new byte[buffer.length * 2];
          System.arraycopy(buffer, 0, larger, 0, total);
          buffer = larger;
        }
        int n = file.read(buffer, total, buffer.length - total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      length = total;
      return true;
    } catch (FileNotFoundException e) {
      missing = true;
      close();
      return false;
    } catch (IOException e) {
      close();
      return false;
    }
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        // nothing to do: the file was only read
      }
      file = null;
    }
  }
}
