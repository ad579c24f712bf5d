package org.opencdp.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The benchmark's markdown report, printed and written to docs/benchmarks.md. */
final class BenchReport {
  private final StringBuilder text = new StringBuilder();

  BenchReport line(String line) {
    text.append(line).append('\n');
    return this;
  }

  BenchReport heading(String heading) {
    return line("").line("## " + heading).line("");
  }

  BenchReport table(List<String> header, List<List<String>> rows) {
    line("| " + String.join(" | ", header) + " |");
    line("|" + "---|".repeat(header.size()));
    rows.forEach(row -> line("| " + String.join(" | ", row) + " |"));
    return this;
  }

  static String num(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  static String ms(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", value);
  }

  static String met(boolean met) {
    return met ? "met" : "**not met**";
  }

  void printAndWrite(Path file) throws IOException {
    System.out.println(text);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
    System.out.println("report written to " + file.toAbsolutePath().normalize());
  }
}
