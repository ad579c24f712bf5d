package org.opencdp.activation.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opencdp.testsupport.CpuTime;
import org.opencdp.testsupport.Infrastructure;

/**
 * CPU and PostgreSQL counters at one moment, for the intake benchmark: this JVM (the service runs
 * in it) with its threads, the broker and PostgreSQL processes, and the activation database's
 * pg_stat_database counters. The difference of two readings is reported per input.
 */
public record IntakeReading(
    long wallNanos,
    double jvm,
    Map<Long, CpuTime.ThreadTime> threads,
    Map<String, Double> jvmInternal,
    double broker,
    double postgres,
    Map<String, Long> database) {
  static final String SERVICE = "service JVM (process minus load generator and observers)";
  static final String GENERATOR = "load generator and observers (main, test producer, admin)";
  static final String POSTGRES = "PostgreSQL (postmaster and backends)";
  static final String BROKER = "Kafka broker (own JVM)";

  private static final String[] COUNTERS = {
    "xact_commit",
    "xact_rollback",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
    "tup_returned",
    "tup_fetched"
  };

  /**
   * Reads everything; waits 1.5 s first so that backends have flushed their statistics (they do at
   * most once a second).
   */
  public static IntakeReading now(Pool pool) throws InterruptedException {
    Thread.sleep(1500);
    Map<String, Long> database = new LinkedHashMap<>();
    Row row =
        pool.query(
                "select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted,"
                    + " tup_returned, tup_fetched from pg_stat_database"
                    + " where datname = current_database()")
            .executeAndAwait()
            .iterator()
            .next();
    for (String counter : COUNTERS) {
      database.put(counter, row.getLong(counter));
    }
    return new IntakeReading(
        System.nanoTime(),
        CpuTime.thisProcessMillis(),
        CpuTime.threads(),
        CpuTime.jvmInternalThreads(),
        CpuTime.processMillis(Infrastructure.kafka().pid().orElseThrow()),
        CpuTime.postgresMillis(Infrastructure.postgres().dataDirectory()),
        database);
  }

  /** What was spent between {@code before} and this reading. */
  public Spent since(IntakeReading before) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    Map<String, Double> groups = CpuTime.byGroup(before.threads, threads, IntakeReading::groupOf);
    double generator = groups.getOrDefault(GENERATOR, 0.0);
    double service = jvm - before.jvm - generator;
    cpu.put(SERVICE, service);
    // JIT compilation fades as the JVM warms up: the rest is the steady-state cost
    cpu.put(
        "  without the JIT compilers",
        service
            - jvmInternal.getOrDefault("JIT", 0.0)
            + before.jvmInternal.getOrDefault("JIT", 0.0));
    groups.forEach(
        (group, ms) -> {
          if (!group.equals(GENERATOR)) {
            cpu.put("  threads: " + group, ms);
          }
        });
    jvmInternal.forEach(
        (kind, ms) -> cpu.put("  JVM: " + kind, ms - before.jvmInternal.getOrDefault(kind, 0.0)));
    cpu.put(GENERATOR, generator);
    cpu.put(POSTGRES, postgres - before.postgres);
    cpu.put(BROKER, broker - before.broker);
    Map<String, Long> counters = new LinkedHashMap<>();
    database.forEach((name, value) -> counters.put(name, value - before.database.get(name)));
    return new Spent((wallNanos - before.wallNanos) / 1e9, cpu, counters);
  }

  private static String groupOf(String thread) {
    if (thread.equals("main")
        || thread.contains("| producer-")
        || thread.contains("| adminclient-")
        || thread.startsWith("test-collect-")) {
      return GENERATOR;
    }
    if (thread.startsWith("activation-consumer-") || thread.startsWith("journey-start-")) {
      return "consumer workers (activation-consumer, journey-start)";
    }
    if (thread.contains("kafka-consumer") || thread.startsWith("kafka-coordinator")) {
      return "Kafka consumers (poll, @Blocking handler)";
    }
    if (thread.startsWith("vert.x-eventloop")) {
      return "Vert.x event loops (PostgreSQL client, HTTP)";
    }
    if (thread.startsWith("vert.x-worker") || thread.startsWith("executor-thread")) {
      return "worker pool (@Blocking handlers, scheduler)";
    }
    return "other";
  }

  /** CPU ms by part and database counters over {@code seconds}. */
  public record Spent(double seconds, Map<String, Double> cpu, Map<String, Long> database) {
    public String perInput(int inputs) {
      StringBuilder out = new StringBuilder("CPU per input (ms):%n".formatted());
      cpu.forEach((part, ms) -> out.append(String.format("  %-70s %.4f%n", part, ms / inputs)));
      out.append(
          "PostgreSQL per input (pg_stat_database of the activation database):%n".formatted());
      database.forEach(
          (name, n) -> out.append(String.format("  %-70s %.3f%n", name, n / (double) inputs)));
      return out.toString();
    }

    /** This idle reading's service and PostgreSQL CPU over {@code over} seconds, per input. */
    public String scaledPerInput(double over, int inputs) {
      return String.format(
          "service JVM %.4f ms, PostgreSQL %.4f ms, %.3f transactions",
          cpu.get(SERVICE) / seconds * over / inputs,
          cpu.get(POSTGRES) / seconds * over / inputs,
          (database.get("xact_commit") + database.get("xact_rollback")) / seconds * over / inputs);
    }

    public String perSecond() {
      return String.format(
          "service JVM %.1f ms CPU, PostgreSQL %.1f ms CPU, %.1f transactions, %.1f rows returned",
          cpu.get(SERVICE) / seconds,
          cpu.get(POSTGRES) / seconds,
          (database.get("xact_commit") + database.get("xact_rollback")) / seconds,
          database.get("tup_returned") / seconds);
    }
  }
}
