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
   * Reads the services by pid, this JVM (Kafka broker, MongoDB-wire server, load generator) and the
   * PostgreSQL and Redis server processes by name, plus the whole machine's busy time.
   */
  static Snapshot take(Map<String, Long> servicePids) {
    Map<String, Double> parts = new LinkedHashMap<>();
    servicePids.forEach((name, pid) -> parts.put(name, processMillis(pid)));
    parts.put(
        "test JVM (Kafka broker, MongoDB-wire server, load generator)",
        processMillis(ProcessHandle.current().pid()));
    parts.put("PostgreSQL (all server processes)", millisOfProcessesNamed("postgres"));
    parts.put("Redis", millisOfProcessesNamed("redis-server"));
    return new Snapshot(parts, machineBusyMillis());
  }

  /** utime + stime of one process (its threads included), 0 when it is gone. */
  static double processMillis(long pid) {
    return processMillis(pid, false);
  }

  /**
   * With {@code reapedChildren}, adds the CPU of children that ended (cutime + cstime): PostgreSQL
   * backends that closed during the phase are counted in their postmaster.
   */
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

  private static double millisOfProcessesNamed(String name) {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> name.equals(trim(read(p.resolve("comm")))))
          .mapToDouble(p -> processMillis(Long.parseLong(p.getFileName().toString()), true))
          .sum();
    } catch (IOException e) {
      return 0;
    }
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

  private static String trim(String text) {
    return text == null ? null : text.trim();
  }
}
