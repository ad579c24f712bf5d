package org.opencdp.segment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The segment-service's own settings ({@code cdp.segment.*}); see the README table. */
@ConfigMapping(prefix = "cdp.segment")
public interface SegmentConfig {
  Events events();

  Timers timers();

  Backfill backfill();

  Catalog catalog();

  Consumer consumer();

  Outbox outbox();

  Metrics metrics();

  interface Metrics {
    /** How often the segment-size gauges are refreshed from Redis. */
    @WithDefault("15s")
    String sizeInterval();
  }

  interface Events {
    /** Occurrences kept per profile and event name (newest win); counts up to this are exact. */
    @WithDefault("100")
    int maxOccurrences();

    /** Occurrences older than this are dropped. */
    @WithDefault("400")
    int retentionDays();

    /** Scalar properties kept per occurrence (for property filters). */
    @WithDefault("32")
    int maxProperties();

    /**
     * Occurrences appended to a profile's tail (events no segment reads) before they are folded
     * into the kept ones on write, even if nothing read them: bounds the tail's size and the work
     * of the next read.
     */
    @WithDefault("32")
    int tailMax();
  }

  interface Timers {
    /** How often due (segment, profile) timers are evaluated. */
    @WithDefault("1s")
    String pollInterval();

    @WithDefault("500")
    int batchSize();
  }

  interface Backfill {
    /** Profiles evaluated (and locked) per transaction by backfill, rebuild and preview. */
    @WithDefault("500")
    int pageSize();
  }

  interface Catalog {
    /** Segment definitions are re-read from PostgreSQL at least this often (other instances). */
    @WithDefault("10s")
    Duration refreshInterval();
  }

  interface Consumer {
    /** Retries of a transient failure before the message goes to the DLQ. */
    @WithDefault("5")
    int maxRetries();
  }

  interface Outbox {
    /** Membership changes not yet acknowledged by Kafka after this are published again. */
    @WithDefault("30s")
    Duration relayAfter();

    @WithDefault("10s")
    String relayInterval();
  }
}
