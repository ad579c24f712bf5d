package org.opencdp.activation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/** Settings of the activation-service itself ({@code cdp.activation.*}). */
@ConfigMapping(prefix = "cdp.activation")
public interface ActivationConfig {

  /**
   * Base64 AES key (16, 24 or 32 bytes) encrypting destination secrets at rest. Without it the
   * service runs, but destinations with a secret cannot be created or used.
   */
  Optional<String> encryptionKey();

  /** Public URL of this service, used in tracking pixels, click redirects and unsubscribe links. */
  @WithDefault("http://localhost:8084")
  String publicBaseUrl();

  /** Kafka records of one poll processed at the same time (same profile stays ordered). */
  @WithDefault("16")
  int consumerParallelism();

  /** How long destinations and campaigns are cached; a change on another instance shows after. */
  @WithDefault("PT5S")
  Duration configCacheTtl();

  /**
   * How long a journey first waits for the profile snapshot to arrive; each further wait doubles,
   * up to {@link #profileWaitMax()}. A segment entry can overtake the profile's own update when the
   * profile-service lags behind the segment-service.
   */
  @WithDefault("PT2S")
  Duration profileWait();

  /** The longest single wait for the profile snapshot. */
  @WithDefault("PT1M")
  Duration profileWaitMax();

  /**
   * Waits for the profile snapshot before the step ends SKIPPED ("profile snapshot never arrived"):
   * 12 waits of 2 s doubling up to 1 min are about 8 minutes.
   */
  @WithDefault("12")
  int profileWaitAttempts();

  /** How often due journeys are claimed and resumed (read by the scheduler). */
  @WithDefault("1s")
  String journeyTick();

  Delivery delivery();

  QuietHours quietHours();

  Destinations destinations();

  /** Which internal addresses destinations may reach (SSRF guard, see AddressGuard). */
  interface Destinations {
    /** Any address, internal ones included: for local development only. */
    @WithDefault("false")
    boolean allowPrivate();

    /** Host names or IP addresses let through although internal (e.g. an in-cluster relay). */
    Optional<List<String>> allowedPrivateHosts();
  }

  interface Delivery {
    /**
     * How often due deliveries (retries, deferred, replayed) are claimed (read by the scheduler).
     */
    @WithDefault("1s")
    String pollInterval();

    /** Attempts per delivery before it goes to the dead-letter table. */
    @WithDefault("6")
    int maxAttempts();

    /** First retry delay; doubles per attempt, with jitter. */
    @WithDefault("PT1S")
    Duration backoffBase();

    @WithDefault("PT5M")
    Duration backoffMax();

    /** Claim of an in-flight delivery; after it another instance may take the delivery over. */
    @WithDefault("PT2M")
    Duration lease();

    /** Concurrent sends per destination unless the destination sets maxConcurrency. */
    @WithDefault("8")
    int concurrency();

    /** Queued deliveries per destination in memory; beyond it they wait in PostgreSQL. */
    @WithDefault("2000")
    int queueCapacity();

    /** Request timeout of webhook, SMS and audience calls unless the destination sets one. */
    @WithDefault("PT10S")
    Duration timeout();

    /** Consecutive failures that open a destination's circuit breaker. */
    @WithDefault("5")
    int breakerFailures();

    /** How long an open breaker holds deliveries before one trial request. */
    @WithDefault("PT30S")
    Duration breakerOpen();
  }

  interface QuietHours {
    @WithDefault("21:00")
    LocalTime start();

    @WithDefault("08:00")
    LocalTime end();

    /**
     * Time zone for profiles without a {@code timezone} trait; when absent, such profiles have no
     * quiet hours.
     */
    Optional<String> defaultZone();
  }
}
