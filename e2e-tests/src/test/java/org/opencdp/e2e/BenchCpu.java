package org.opencdp.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencdp.testsupport.CpuTime;

/**
 * CPU time spent by each part of the platform (test-support's {@link CpuTime}). Throughput on a
 * shared 2-core box depends on everything that runs there, so the report states what one event
 * costs in CPU and where: that figure does not depend on how busy the machine was, and it bounds
 * what 2 cores can sustain.
 *
 * <p>The pipeline is the five services and the infrastructure they need (Kafka broker, PostgreSQL,
 * Redis, the MongoDB-wire test double). The measurement itself (load generator, Kafka observers,
 * this JVM's GC and JIT) runs here too but is not part of it: it is reported apart.
 */
final class BenchCpu {
  static final String MEASUREMENT = "test JVM: load generator, observers, GC/JIT (not pipeline)";
  private static final String MONGO_DOUBLE =
      "MongoDB-wire test double (mongo-java-server, its own JVM)";
  private static final String BROKER = "Kafka broker (its own JVM)";
  private static final String POSTGRES = "PostgreSQL (postmaster and backends)";

  private BenchCpu() {}

  /** CPU time in ms per part at one moment, plus this JVM's threads to split it later. */
  record Snapshot(
      Map<String, Double> millisByPart,
      Map<String, Map<String, CpuTime.ThreadTime>> jvmThreadsByPart,
      Map<String, Double> jitMillisByPart,
      Map<String, Double> measurementByKind,
      Map<String, Double> postgresByDatabase,
      double machineBusyMillis) {

    /** What each part spent between {@code earlier} and this snapshot. */
    Snapshot since(Snapshot earlier) {
      Map<String, Double> spent = new LinkedHashMap<>();
      millisByPart.forEach(
          (part, ms) -> spent.put(part, ms - earlier.millisByPart.getOrDefault(part, 0.0)));
      Map<String, Double> testJvmKinds =
          CpuTime.byGroup(
              earlier.jvmThreadsByPart.getOrDefault(MEASUREMENT, Map.of()),
              jvmThreadsByPart.getOrDefault(MEASUREMENT, Map.of()),
              CpuTime::jvmThreadKindOrOther);
      testJvmKinds.remove("other"); // the measurement's own threads
      Map<String, Double> jit = new LinkedHashMap<>();
      jvmThreadsByPart.forEach(
          (part, threads) -> {
            if (!part.equals(MEASUREMENT)) {
              jit.put(
                  part,
                  CpuTime.byGroup(
                          earlier.jvmThreadsByPart.getOrDefault(part, Map.of()),
                          threads,
                          CpuTime::jvmThreadKindOrOther)
                      .getOrDefault("JIT", 0.0));
            }
          });
      Map<String, Double> postgres = new LinkedHashMap<>();
      postgresByDatabase.forEach(
          (db, ms) -> postgres.put(db, ms - earlier.postgresByDatabase.getOrDefault(db, 0.0)));
      return new Snapshot(
          spent,
          Map.of(),
          jit,
          testJvmKinds,
          postgres,
          machineBusyMillis - earlier.machineBusyMillis);
    }

    /**
     * CPU of the JIT compiler threads of the service and broker JVMs (a lower bound: a compiler
     * thread that ended during the phase is not counted). JVMs started minutes before still compile
     * much of their code; a platform that has run for hours has done this once.
     */
    double jitMillis() {
      return jitMillisByPart.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** CPU of the services and their infrastructure, without the measurement. */
    double pipelineMillis() {
      return millisByPart.entrySet().stream()
          .filter(e -> !e.getKey().equals(MEASUREMENT))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }

    double totalMillis() {
      return millisByPart.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Report rows: part, CPU seconds, ms per event, of which JIT, share of the pipeline. */
    List<List<String>> rows(long events) {
      double pipeline = pipelineMillis();
      List<List<String>> rows = new ArrayList<>();
      millisByPart.forEach(
          (part, ms) -> {
            if (!part.equals(MEASUREMENT)) {
              Double jit = jitMillisByPart.get(part);
              rows.add(
                  List.of(
                      part,
                      BenchReport.num(ms / 1000),
                      perEvent(ms, events),
                      jit == null ? "" : perEvent(jit, events),
                      String.format(
                          Locale.ROOT, "%.0f %%", pipeline > 0 ? 100 * ms / pipeline : 0)));
              if (part.equals(POSTGRES)) {
                postgresByDatabase.forEach(
                    (db, dbMs) ->
                        rows.add(
                            List.of(
                                "of which: PostgreSQL " + postgresPart(db),
                                BenchReport.num(dbMs / 1000),
                                perEvent(dbMs, events),
                                "",
                                "")));
              }
            }
          });
      rows.add(
          List.of(
              "**pipeline (services + infrastructure)**",
              BenchReport.num(pipeline / 1000),
              perEvent(pipeline, events),
              perEvent(jitMillis(), events),
              "100 %"));
      rows.add(
          List.of(
              "**pipeline without the JIT compilation**",
              BenchReport.num((pipeline - jitMillis()) / 1000),
              perEvent(pipeline - jitMillis(), events),
              "",
              ""));
      double measurement = millisByPart.getOrDefault(MEASUREMENT, 0.0);
      rows.add(
          List.of(
              MEASUREMENT,
              BenchReport.num(measurement / 1000),
              perEvent(measurement, events),
              "",
              ""));
      measurementByKind.forEach(
          (kind, ms) -> {
            if (ms >= 100) { // a collector that did not run (SerialGC has no GC threads)
              rows.add(
                  List.of(
                      "of which: test JVM " + kind + testJvmNote(kind),
                      BenchReport.num(ms / 1000),
                      perEvent(ms, events),
                      "",
                      ""));
            }
          });
      rows.add(
          List.of(
              "whole machine (busy time of all cores, /proc/stat)",
              BenchReport.num(machineBusyMillis / 1000),
              perEvent(machineBusyMillis, events),
              "",
              ""));
      return rows;
    }

    /** With SerialGC (the benchmark's setting) the collections run on the VM thread. */
    private static String testJvmNote(String kind) {
      return kind.equals("VM thread (safepoints)") ? " (SerialGC collects here)" : "";
    }

    /** A database's backends are its service's connections (one database per service). */
    private static String postgresPart(String database) {
      return database.equals(CpuTime.POSTMASTER) || database.equals(CpuTime.POSTGRES_BACKGROUND)
          ? database
          : "backends of database `" + database + "`";
    }

    private static String perEvent(double ms, long events) {
      return events > 0 ? String.format(Locale.ROOT, "%.3f ms", ms / events) : "n/a";
    }
  }

  /**
   * Reads the services, the Kafka broker and the MongoDB-wire test double by pid, the platform's
   * PostgreSQL (by data directory) and Redis (by port), this JVM (the measurement), and the whole
   * machine's busy time. Other PostgreSQL or Redis servers on the machine (other builds) are left
   * out.
   */
  static Snapshot take(
      Map<String, Long> servicePids,
      long brokerPid,
      long mongoPid,
      Path postgresDataDir,
      int redisPort) {
    Map<String, Double> parts = new LinkedHashMap<>();
    Map<String, Map<String, CpuTime.ThreadTime>> jvmThreads = new LinkedHashMap<>();
    servicePids.forEach(
        (name, pid) -> {
          parts.put(name, CpuTime.processMillis(pid));
          jvmThreads.put(name, CpuTime.tasks(pid));
        });
    parts.put(BROKER, CpuTime.processMillis(brokerPid));
    jvmThreads.put(BROKER, CpuTime.tasks(brokerPid));
    parts.put(MONGO_DOUBLE, CpuTime.processMillis(mongoPid));
    jvmThreads.put(MONGO_DOUBLE, CpuTime.tasks(mongoPid));
    Map<String, Double> postgres = CpuTime.postgresMillisByDatabase(postgresDataDir);
    parts.put(POSTGRES, postgres.values().stream().mapToDouble(Double::doubleValue).sum());
    parts.put("Redis", CpuTime.redisMillis(redisPort));
    parts.put(MEASUREMENT, CpuTime.thisProcessMillis());
    jvmThreads.put(MEASUREMENT, CpuTime.tasks());
    return new Snapshot(
        parts, jvmThreads, Map.of(), Map.of(), postgres, CpuTime.machineBusyMillis());
  }
}
