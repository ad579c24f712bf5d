package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

  @Test
  void threadsOfAJvmByPidAreGroupedIntoJitAndTheRest() {
    Map<String, CpuTime.ThreadTime> none = Map.of();
    // by pid, as a benchmark reads a service's JVM; this JVM has compiled and run code by now
    Map<String, Double> groups =
        CpuTime.byGroup(
            none, CpuTime.tasks(ProcessHandle.current().pid()), CpuTime::jvmThreadKindOrOther);

    assertThat(groups.get("JIT")).as("JIT compiler threads' CPU ms").isPositive();
    assertThat(groups.get("other")).as("Java threads' CPU ms").isPositive();
  }

  @Test
  void aProcessThatIsGoneHasNoThreads() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();

    assertThat(CpuTime.tasks(ended.pid())).isEmpty();
  }

  @Test
  void aPostgresBackendIsCountedUnderItsDatabaseAndEverythingElseAsBackground() {
    assertThat(CpuTime.postgresDatabaseOf("postgres: postgres segment 127.0.0.1(41234) idle"))
        .isEqualTo("segment");
    assertThat(
            CpuTime.postgresDatabaseOf(
                "postgres: postgres identity 127.0.0.1(5000) idle in transaction   "))
        .isEqualTo("identity");
    assertThat(CpuTime.postgresDatabaseOf("postgres: checkpointer "))
        .isEqualTo(CpuTime.POSTGRES_BACKGROUND);
    assertThat(CpuTime.postgresDatabaseOf("postgres: autovacuum worker segment"))
        .isEqualTo(CpuTime.POSTGRES_BACKGROUND);
    assertThat(CpuTime.postgresDatabaseOf("postgres: walwriter "))
        .isEqualTo(CpuTime.POSTGRES_BACKGROUND);
  }
}
