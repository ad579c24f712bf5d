package org.opencdp.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by each part of the platform, read from /proc. Throughput on a shared 2-core box
 * depends on everything that runs there, so the report states what one event costs in CPU and
 * where: that figure does not depend on how busy the machine was, and it bounds what 2 cores can
 * sustain.
 */
final class BenchCpu {
  /** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
  private static final double MS_PER_TICK = 10.0;

  private BenchCpu() {}

  /** CPU time in ms per part at one moment; parts that cannot be read are left out. */
  record Snapshot(Map<String, Double> millisByPart, double machineBusyMillis) {

    /** What each part spent between {@code earlier} and this snapshot. */
    Snapshot since(Snapshot earlier) {
      Map<String, Double> spent = new LinkedHashMap<>();
      millisByPart.forEach(
          (part, ms) -> spent.put(part, ms - earlier.millisByPart.getOrDefault(part, 0.0)));
      return new Snapshot(spent, machineBusyMillis - earlier.machineBusyMillis);
    }

    double totalMillis() {
      return millisByPart.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Report rows: part, CPU seconds, ms per event, share of the parts' total. */
    List<List<String>> rows(long events) {
      double total = totalMillis();
      List<List<String>> rows = new ArrayList<>();
      millisByPart.forEach(
          (part, ms) ->
              rows.add(
                  List.of(
                      part,
                      BenchReport.num(ms / 1000),
                      perEvent(ms, events),
                      String.format(Locale.ROOT, "%.0f %%", total > 0 ? 100 * ms / total : 0))));
      rows.add(
          List.of("**all parts**", BenchReport.num(total / 1000), perEvent(total, events), ""));
      rows.add(
          List.of(
              "whole machine (busy time of all cores, /proc/stat)",
              BenchReport.num(machineBusyMillis / 1000),
              perEvent(machineBusyMillis, events),
              ""));
      return rows;
    }

    private static String perEvent(double ms, long events) {
      return events > 0 ? String.format(Locale.ROOT, "%.3f ms", ms / events) : "n/a";
    }
  }

  /**
   * Reads the services by pid, this JVM (Kafka broker, MongoDB-wire server, load generator), the
   * platform's PostgreSQL (its postmaster, found by data directory, and its backends) and Redis
   * (found by port), plus the whole machine's busy time. Other PostgreSQL or Redis servers on the
   * machine (other builds) are left out.
   */
  static Snapshot take(Map<String, Long> servicePids, Path postgresDataDir, int redisPort) {
    Map<String, Double> parts = new LinkedHashMap<>();
    servicePids.forEach((name, pid) -> parts.put(name, processMillis(pid)));
    parts.put(
        "test JVM (Kafka broker, MongoDB-wire server, load generator)",
        processMillis(ProcessHandle.current().pid()));
    List<Proc> processes = processes();
    double postgres = 0;
    for (Proc postmaster : processes) {
      if (postmaster.comm().equals("postgres")
          && postmaster.cmdline().contains(postgresDataDir.toString())) {
        // reaped backends (closed connections) are in the postmaster's children time
        postgres += processMillis(postmaster.pid(), true);
        for (Proc backend : processes) {
          if (backend.parent() == postmaster.pid()) {
            postgres += processMillis(backend.pid());
          }
        }
      }
    }
    parts.put("PostgreSQL (postmaster and backends)", postgres);
    parts.put(
        "Redis",
        processes.stream()
            .filter(p -> p.comm().startsWith("redis-server"))
            .filter(p -> p.cmdline().matches(".*\\b" + redisPort + "\\b.*"))
            .mapToDouble(p -> processMillis(p.pid()))
            .sum());
    return new Snapshot(parts, machineBusyMillis());
  }

  /** A process: its id, its parent's, its command name and command line. */
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
                  String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                  String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                  out.add(
                      new Proc(
                          Long.parseLong(dir.getFileName().toString()),
                          Long.parseLong(fields[1]),
                          comm,
                          cmdline.replace('\0', ' ')));
                }
              });
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** utime + stime of one process (its threads included), 0 when it is gone. */
  static double processMillis(long pid) {
    return processMillis(pid, false);
  }

  /** With {@code reapedChildren}, adds the CPU of children that ended (cutime + cstime). */
  private static double processMillis(long pid, boolean reapedChildren) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    if (stat == null) {
      return 0;
    }
    // the command name (field 2) may contain spaces: count fields after its closing parenthesis
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    if (reapedChildren) {
      ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
    return ticks * MS_PER_TICK;
  }

  /** user + nice + system + irq + softirq + steal ticks of all cores, from /proc/stat. */
  private static double machineBusyMillis() {
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

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
