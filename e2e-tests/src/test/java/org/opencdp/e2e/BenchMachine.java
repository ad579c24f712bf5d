package org.opencdp.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The machine the figures were measured on, and how busy it was. */
final class BenchMachine {
  private BenchMachine() {}

  static Map<String, String> describe() {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cores (available to the JVM)", "" + Runtime.getRuntime().availableProcessors());
    machine.put("CPU", cpuInfo("model name").orElse("unknown"));
    machine.put("RAM", memInfo("MemTotal"));
    machine.put(
        "JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put(
        "OS",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    return machine;
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg shows them. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Resident memory of a process in MiB from /proc/&lt;pid&gt;/status VmRSS; -1 if unknown. */
  static double rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static Optional<String> cpuInfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String memInfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(line -> line.startsWith(key + ":"))
          .map(
              line ->
                  String.format(
                      "%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0))
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
