package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.scheduler.Scheduled;
import org.junit.jupiter.api.Test;

class ScheduledJobCheckTest {
  static class Quiet {
    @Scheduled(every = "1s", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {}
  }

  static class Noisy {
    @Scheduled(every = "1s")
    void poll() {}
  }

  @Test
  void tellsTheJobsSkippedOnShutdownFromThoseThatKeepRunning() {
    assertThat(ScheduledJobCheck.skippedOnShutdown(ScheduledJobCheckTest.class))
        .containsEntry("Quiet.poll", true)
        .containsEntry("Noisy.poll", false);
  }
}
