package org.opencdp.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the launcher runs a service's JVM. The five JVMs share one small machine (the whole-platform
 * benchmark's target: under 2 GB RSS together), so each heap is sized from the live set measured
 * under that benchmark, and the native memory a JVM keeps but no longer uses is given back. Why
 * each option: local-launcher/README.md.
 */
final class ServiceJvm {
  private ServiceJvm() {}

  /**
   * JVM options for a service whose heap may grow to {@code heapMiB}, with a young generation of
   * {@code youngMiB} (0: the JVM's default, a third of the heap in use). A fixed young generation
   * is for a service whose work in flight would otherwise outgrow the survivor spaces: the serial
   * collector then promotes it early and fills the old generation with garbage (full collections).
   * The serial collector sizes the young generation within the initial heap, so that is raised too.
   */
  static List<String> options(int heapMiB, int youngMiB) {
    List<String> options = new ArrayList<>();
    if (youngMiB > 0) {
      options.add("-Xms" + (youngMiB + 64) + "m");
      options.add("-Xmn" + youngMiB + "m");
    } else {
      options.add("-Xms32m");
    }
    options.add("-Xmx" + heapMiB + "m");
    // one GC thread, no per-region bookkeeping: the smallest footprint for heaps this size
    options.add("-XX:+UseSerialGC");
    if (canTrimNativeHeap()) {
      // free()d malloc memory (JIT compiler arenas, direct buffers) goes back to the OS
      options.add("-XX:TrimNativeHeapInterval=5000");
    }
    return options;
  }

  /**
   * Environment of every service JVM: glibc keeps one malloc arena per thread that ever called
   * malloc (up to 8 per core); with 40-110 threads per service each arena held memory nobody used.
   * Two arenas are enough for a JVM, whose heap is not malloc'd.
   */
  static Map<String, String> environment() {
    return Map.of("MALLOC_ARENA_MAX", "2");
  }

  /** -XX:TrimNativeHeapInterval exists from JDK 17.0.9 on (an older JVM would refuse to start). */
  private static boolean canTrimNativeHeap() {
    Runtime.Version version = Runtime.version();
    return version.feature() > 17 || version.update() >= 9;
  }
}
