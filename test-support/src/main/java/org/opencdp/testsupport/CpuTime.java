package org.opencdp.testsupport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time spent by processes (read from /proc) and by groups of this JVM's threads (ThreadMXBean),
 * for benchmarks: on a shared 2-core machine throughput depends on everything that runs there, CPU
 * time per event does not, and it bounds what the cores can sustain.
 */
public final class CpuTime {
  /** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
  private static final double MS_PER_TICK = 10.0;

  private CpuTime() {}

  /** utime + stime of one process (its threads included), 0 when it is gone. */
  public static double processMillis(long pid) {
    return processMillis(pid, false);
  }

  /** This JVM, every thread included (GC and JIT too). */
  public static double thisProcessMillis() {
    return processMillis(ProcessHandle.current().pid());
  }

  /**
   * A PostgreSQL server found by its data directory: the postmaster, the CPU of backends that ended
   * (closed connections end up in the postmaster's children time) and the live backends.
   */
  public static double postgresMillis(Path dataDirectory) {
    return postgresMillisByDatabase(dataDirectory).values().stream()
        .mapToDouble(Double::doubleValue)
        .sum();
  }

  /**
   * The same server's CPU split by what ran it: each live backend under the database it serves (its
   * process title), the background processes (checkpointer, WAL writer, autovacuum) together, and
   * the postmaster with the backends that ended.
   */
  public static Map<String, Double> postgresMillisByDatabase(Path dataDirectory) {
    List<Proc> processes = processes();
    Map<String, Double> byDatabase = new LinkedHashMap<>();
    for (Proc postmaster : processes) {
      if (postmaster.comm().equals("postgres")
          && postmaster.cmdline().contains(dataDirectory.toString())) {
        byDatabase.merge(POSTMASTER, processMillis(postmaster.pid(), true), Double::sum);
        for (Proc backend : processes) {
          if (backend.parent() == postmaster.pid()) {
            byDatabase.merge(
                postgresDatabaseOf(backend.cmdline()), processMillis(backend.pid()), Double::sum);
          }
        }
      }
    }
    return byDatabase;
  }

  public static final String POSTMASTER = "postmaster and ended backends";
  public static final String POSTGRES_BACKGROUND =
      "background (checkpointer, WAL writer, autovacuum)";

  /**
   * The database of a backend from its process title, {@code postgres: <user> <database>
   * <host>(<port>) <state>}; anything else is a background process.
   */
  static String postgresDatabaseOf(String title) {
    String[] words = title.trim().split("\\s+");
    boolean backend =
        words.length >= 4
            && words[0].equals("postgres:")
            && (words[3].contains("(") || words[3].equals("[local]"));
    return backend ? words[2] : POSTGRES_BACKGROUND;
  }

  /** The redis-server listening on {@code port} (other Redis servers on the machine left out). */
  public static double redisMillis(int port) {
    return processes().stream()
        .filter(p -> p.comm().startsWith("redis-server"))
        .filter(p -> p.cmdline().matches(".*\\b" + port + "\\b.*"))
        .mapToDouble(p -> processMillis(p.pid()))
        .sum();
  }

  /** user + nice + system + irq + softirq + steal time of all cores, from /proc/stat. */
  public static double machineBusyMillis() {
    String stat = read(Path.of("/proc/stat"));
    if (stat == null) {
      return 0;
    }
    String[] cpu = stat.lines().findFirst().orElse("").trim().split("\\s+");
    long busy = 0;
    for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(cpu[field]);
    }
    return busy * MS_PER_TICK;
  }

  /**
   * CPU ms of this JVM's live threads by group ({@code groupOf} maps a thread name to its group).
   * Diff two of these around a phase; take the second before the phase's threads end, since an
   * ended thread's time is no longer readable.
   */
  public static Map<Long, ThreadTime> threads() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Map<Long, ThreadTime> out = new HashMap<>();
    for (var info : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (info != null) {
        long nanos = bean.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          out.put(info.getThreadId(), new ThreadTime(info.getThreadName(), nanos / 1e6));
        }
      }
    }
    return out;
  }

  /**
   * CPU ms of every thread of this JVM (Java threads and the JVM's own: GC, JIT compilers, VM
   * thread), from /proc/self/task, keyed by thread id; the name is the kernel's, cut to 15
   * characters. Threads that ended are missing from a later reading.
   */
  public static Map<String, ThreadTime> tasks() {
    return tasks(Path.of("/proc/self/task"));
  }

  /** The same for another process (empty when it is gone). */
  public static Map<String, ThreadTime> tasks(long pid) {
    return tasks(Path.of("/proc", Long.toString(pid), "task"));
  }

  private static Map<String, ThreadTime> tasks(Path taskDirectory) {
    Map<String, ThreadTime> out = new LinkedHashMap<>();
    try (Stream<Path> tasks = Files.list(taskDirectory)) {
      tasks.forEach(
          task -> {
            String stat = read(task.resolve("stat"));
            if (stat != null) {
              Stat parsed = Stat.parse(stat);
              out.put(
                  task.getFileName().toString(),
                  new ThreadTime(parsed.comm(), parsed.cpuMillis(false)));
            }
          });
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /**
   * The kind of a JVM-internal thread by its kernel name: "GC", "JIT", "VM thread (safepoints)", or
   * "other" for Java threads. Group {@link #tasks(long)} readings with it ({@link #byGroup}).
   */
  public static String jvmThreadKindOrOther(String comm) {
    String kind = jvmThreadKind(comm);
    return kind == null ? "other" : kind;
  }

  /**
   * CPU ms of this JVM's native threads by kind: what the ThreadMXBean cannot see (garbage
   * collector, JIT compilers, VM thread). Java threads are left out.
   */
  public static Map<String, Double> jvmInternalThreads() {
    Map<String, Double> out = new LinkedHashMap<>();
    tasks()
        .values()
        .forEach(
            task -> {
              String kind = jvmThreadKind(task.name());
              if (kind != null) {
                out.merge(kind, task.millis(), Double::sum);
              }
            });
    return out;
  }

  private static String jvmThreadKind(String comm) {
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Periodic")) {
      return "GC";
    }
    if (comm.contains("CompilerThre")) {
      return "JIT";
    }
    if (comm.equals("VM Thread")) {
      return "VM thread (safepoints)";
    }
    return null;
  }

  /** One thread's name (Java's, or the kernel's cut to 15 characters) and CPU ms. */
  public record ThreadTime(String name, double millis) {}

  /**
   * What each group of threads spent between two readings of {@link #threads()} or {@link
   * #tasks()}.
   */
  public static <K> Map<String, Double> byGroup(
      Map<K, ThreadTime> before, Map<K, ThreadTime> after, Function<String, String> groupOf) {
    Map<String, Double> groups = new LinkedHashMap<>();
    after.forEach(
        (id, now) -> {
          ThreadTime then = before.get(id);
          double spent = now.millis() - (then == null ? 0 : then.millis());
          groups.merge(groupOf.apply(now.name()), spent, Double::sum);
        });
    return groups;
  }

  /** A /proc stat line: the command name and the fields after it (field 3 is fields[0]). */
  private record Stat(String comm, String[] fields) {
    static Stat parse(String stat) {
      // the command name may contain spaces and parentheses: cut at the last ')'
      return new Stat(
          stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    }

    /** utime + stime, with {@code reapedChildren} also cutime + cstime, in ms. */
    double cpuMillis(boolean reapedChildren) {
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      if (reapedChildren) {
        ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
      }
      return ticks * MS_PER_TICK;
    }
  }

  private record Proc(long pid, long parent, String comm, String cmdline) {}

  private static List<Proc> processes() {
    List<Proc> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              dir -> {
                String stat = read(dir.resolve("stat"));
                String cmdline = read(dir.resolve("cmdline"));
                if (stat != null && cmdline != null) {
                  Stat parsed = Stat.parse(stat);
                  out.add(
                      new Proc(
                          Long.parseLong(dir.getFileName().toString()),
                          Long.parseLong(parsed.fields()[1]),
                          parsed.comm(),
                          cmdline.replace('\0', ' ')));
                }
              });
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** With {@code reapedChildren}, adds the CPU of children that ended (cutime + cstime). */
  private static double processMillis(long pid, boolean reapedChildren) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    return stat == null ? 0 : Stat.parse(stat).cpuMillis(reapedChildren);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
