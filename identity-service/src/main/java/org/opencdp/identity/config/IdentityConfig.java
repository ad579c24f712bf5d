package org.opencdp.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the identity-service itself ({@code cdp.identity.*}). */
@ConfigMapping(prefix = "cdp.identity")
public interface IdentityConfig {

  /** Events of one Kafka poll resolved at the same time (events with the same key stay ordered). */
  @WithDefault("16")
  int consumerParallelism();

  /** Attempts of one resolution when it loses a race (deadlock, unique violation, stale read). */
  @WithDefault("12")
  int maxAttempts();

  /** Retries (with back-off up to 10 s) of an event when the database or Kafka fails. */
  @WithDefault("30")
  int infrastructureRetries();

  /** How long a workspace's rules are cached; a change made on another instance shows after it. */
  @WithDefault("PT5S")
  Duration rulesCacheTtl();

  /** How long processed-event records (idempotency) are kept. */
  @WithDefault("P7D")
  Duration processedRetention();

  /**
   * Most identifiers one event may link; beyond it the lowest-priority ones are rejected as INVALID
   * (bounds the size of the locking and lookup statements).
   */
  @WithDefault("50")
  int maxIdentifiersPerEvent();

  /** Longest identifier value accepted; longer values are rejected as INVALID. */
  @WithDefault("256")
  int maxValueLength();

  /**
   * How often expired processed-event and erased-identifier records are deleted (read by the
   * scheduler).
   */
  @WithDefault("1h")
  String cleanupInterval();

  /**
   * How long an erased identifier is remembered (as a keyed hash) so that events of the person
   * still queued when they were erased cannot recreate it. Keep it above the retention (and worst
   * lag) of {@code cdp.events.raw}.
   */
  @WithDefault("P30D")
  Duration erasedRetention();

  Crypto crypto();

  /** Keys (from a Secret). */
  interface Crypto {
    /**
     * Base64 HMAC-SHA256 key (at least 16 bytes) hashing erased identifiers. Absent: plain SHA-256
     * with a warning at startup (guessable for low-entropy values such as e-mail addresses).
     */
    Optional<String> hmacKey();
  }
}
