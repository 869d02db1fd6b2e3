package io.pipewatch.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of a {@link HostFault}: makes one real fault on this machine, bounded in time
 * and size, until its deadline, until its parent closes its stdin, or until it is killed. Prints
 * {@code GO} when the fault is running, so the parent can time detection from that moment.
 *
 * <ul>
 *   <li>{@code cpu <threads> <seconds>}: busy threads;
 *   <li>{@code disk <dir> <threads> <mib-per-thread> <seconds>}: each thread writes 4 KiB blocks to
 *       its own file in {@code dir} and syncs each one to the device ({@code fdatasync}), wrapping
 *       at the file's size; the files are deleted at the end;
 *   <li>{@code pages <file> <seconds>}: waits for a line on stdin (the parent has meanwhile moved
 *       it into a memory-limited cgroup), then maps {@code file} (larger than the limit) and reads
 *       every page over and over: page-cache thrashing, i.e. reclaim, refaults and major faults.
 * </ul>
 */
final class FaultChild {
  private FaultChild() {}

  public static void main(String[] args) throws Exception {
    Thread orphanWatch =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // lines from the parent are read by the fault itself when it needs them
                }
              } catch (IOException e) {
                // parent gone
              }
              Runtime.getRuntime().halt(0);
            });
    orphanWatch.setDaemon(true);
    switch (args[0]) {
      case "cpu" -> {
        orphanWatch.start();
        cpu(Integer.parseInt(args[1]), deadline(args[2]));
      }
      case "disk" -> {
        orphanWatch.start();
        disk(
            Path.of(args[1]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            deadline(args[4]));
      }
      case "pages" -> pages(Path.of(args[1]), deadline(args[2]), orphanWatch);
      default -> throw new IllegalArgumentException(args[0]);
    }
    Runtime.getRuntime().halt(0);
  }

  private static long deadline(String seconds) {
    return System.nanoTime() + (long) (Double.parseDouble(seconds) * 1e9);
  }

  private static void cpu(int threads, long deadline) throws InterruptedException {
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 1;
                while (System.nanoTime() < deadline) {
                  for (int k = 0; k < 10_000; k++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                  }
                }
                if (x == 42) {
                  System.out.print("");
                }
              });
      all.add(t);
      t.start();
    }
    System.out.println("GO");
    System.out.flush();
    for (Thread t : all) {
      t.join();
    }
  }

  private static void disk(Path dir, int threads, int mib, long deadline) throws Exception {
    Files.createDirectories(dir);
    List<Thread> all = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Path file = dir.resolve("disk-" + ProcessHandle.current().pid() + "-" + i + ".bin");
      files.add(file);
      Thread t =
          new Thread(
              () -> {
                long size = mib * 1024L * 1024L;
                ByteBuffer block = ByteBuffer.allocateDirect(4096);
                byte[] random = new byte[4096];
                try (FileChannel ch =
                    FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.READ)) {
                  long offset = 0;
                  while (System.nanoTime() < deadline) {
                    ThreadLocalRandom.current().nextBytes(random);
                    block.clear();
                    block.put(random).flip();
                    ch.write(block, offset);
                    ch.force(false);
                    offset = (offset + 4096) % size;
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      all.add(t);
      t.start();
    }
    System.out.println("GO");
    System.out.flush();
    try {
      for (Thread t : all) {
        t.join();
      }
    } finally {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static void pages(Path file, long deadline, Thread orphanWatch) throws Exception {
    // wait for the parent: it moves this process into the memory-limited cgroup first
    if (System.in.read() < 0) {
      return;
    }
    orphanWatch.start();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      List<MappedByteBuffer> maps = new ArrayList<>();
      for (long at = 0; at < size; at += 256L << 20) {
        maps.add(ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(256L << 20, size - at)));
      }
      System.out.println("GO");
      System.out.flush();
      long sum = 0;
      while (System.nanoTime() < deadline) {
        for (MappedByteBuffer m : maps) {
          for (int i = 0; i < m.limit() && System.nanoTime() < deadline; i += 4096) {
            sum += m.get(i);
          }
        }
      }
      if (sum == 42) {
        System.out.print("");
      }
    }
  }
}
