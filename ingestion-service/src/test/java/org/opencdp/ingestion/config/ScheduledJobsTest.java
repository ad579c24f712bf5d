package org.opencdp.ingestion.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.ScheduledJobCheck;

/**
 * Every scheduled job stops with the application: none keeps firing (and warning) against the pools
 * Quarkus closes before it stops the scheduler.
 */
class ScheduledJobsTest {
  @Test
  void everyJobIsSkippedOnceTheApplicationStops() {
    assertThat(ScheduledJobCheck.skippedOnShutdown(NativeRegistrations.class))
        .containsKeys("ImportJobs.work")
        .allSatisfy(
            (job, skipped) -> assertThat(skipped).as(job + " skipped on shutdown").isTrue());
  }
}
