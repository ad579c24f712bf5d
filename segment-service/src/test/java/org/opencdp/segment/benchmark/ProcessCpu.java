package org.opencdp.segment.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time of processes, read from /proc (Linux): this JVM, and a server found by the port on its
 * command line (PostgreSQL's postmaster with its backends, Redis). Times are in milliseconds.
 */
final class ProcessCpu {
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcessCpu() {}

  /** CPU time of this JVM (every thread, the benchmark driver included). */
  static long jvmMillis() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1_000_000;
  }

  /**
   * The process whose command line starts with a program named {@code program} and names {@code
   * port} (as a word, {@code host:port} or {@code key=port}); of several, the one whose parent is
   * not itself a match (the postmaster, not its backends).
   */
  static OptionalLong find(String program, int port) {
    List<long[]> matches = new ArrayList<>(); // {pid, ppid}
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] words = commandLine(dir);
        if (words.length == 0 || !words[0].endsWith(program) && !words[0].contains(program)) {
          continue;
        }
        for (String word : words) {
          String p = String.valueOf(port);
          if (word.equals(p) || word.endsWith(":" + p) || word.endsWith("=" + p)) {
            long[] stat = stat(Long.parseLong(name));
            if (stat != null) {
              matches.add(new long[] {Long.parseLong(name), stat[0]});
            }
            break;
          }
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    for (long[] m : matches) {
      if (matches.stream().noneMatch(other -> other[0] == m[1])) {
        return OptionalLong.of(m[0]);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * CPU of {@code pid} and its live children, plus what it reaped from exited children (the
   * backends of closed connections are counted in the postmaster's cutime/cstime).
   */
  static long treeMillis(long pid) {
    long ticks = 0;
    long[] own = stat(pid);
    if (own != null) {
      ticks += own[1] + own[2];
    }
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        String name = dir.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          long[] child = stat(Long.parseLong(name));
          if (child != null && child[0] == pid) {
            ticks += child[1] + child[2];
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  private static String[] commandLine(Path dir) {
    try {
      String raw = Files.readString(dir.resolve("cmdline"), StandardCharsets.ISO_8859_1);
      return raw.isEmpty() ? new String[0] : raw.split("[\\x00 ]+");
    } catch (IOException | RuntimeException e) {
      return new String[0];
    }
  }

  /** {ppid, utime + stime, cutime + cstime} in clock ticks, or null when the process is gone. */
  private static long[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // the command name (field 2) may contain spaces: the fields after it follow the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ppid = Long.parseLong(f[1]);
      long self = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return new long[] {ppid, self, children};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
