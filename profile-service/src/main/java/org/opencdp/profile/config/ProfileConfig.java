package org.opencdp.profile.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** The profile-service's own settings, all overridable by environment variables. */
@ConfigMapping(prefix = "cdp.profile")
public interface ProfileConfig {

  Crypto crypto();

  Consumer consumer();

  Computed computed();

  Privacy privacy();

  Api api();

  Outbox outbox();

  Timeline timeline();

  interface Timeline {
    /** Retention of timeline events for workspaces that did not set their own. */
    @WithDefault("730d")
    Duration defaultRetention();

    /**
     * How long after its expiry an event is removed by MongoDB's TTL monitor if the retention job
     * has not folded and removed it first (a backstop, see README).
     */
    @WithDefault("1d")
    Duration ttlGrace();

    /** How often the retention job runs ({@code off} disables it). */
    @WithDefault("5m")
    String retentionInterval();

    /** Expired events folded and removed per run of the retention job. */
    @WithDefault("2000")
    int retentionBatchSize();

    /** How long workspace settings (retention) are cached. */
    @WithDefault("5S")
    Duration settingsCacheTtl();
  }

  interface Outbox {
    /** How often the relay looks for outboxes whose ProfileChanged was never acknowledged. */
    @WithDefault("30s")
    String relayInterval();

    /** How old an outbox must be before the relay resends it. */
    @WithDefault("30S")
    Duration relayAfter();

    /**
     * How long a finished outbox (acknowledged) may stay in its document before one bulk write
     * clears it; the profile's next write usually replaces it first. Well under relay-after.
     */
    @WithDefault("5S")
    Duration clearDelay();
  }

  interface Crypto {
    /** Base64 of a 16, 24 or 32 byte AES key for trait paths encrypted at rest. */
    String encryptionKey();

    /** Base64 of the HMAC-SHA256 key used to look identifiers up without storing them in clear. */
    String hmacKey();

    /**
     * Trait paths encrypted at rest: a top-level trait ({@code email}) or a path into an object
     * trait ({@code address.street}).
     */
    @WithDefault("email,phone,firstName,lastName,name,address,birthday")
    List<String> encryptedTraits();
  }

  interface Consumer {
    /** Attempts for a transient failure (store or broker down) before the message goes to DLQ. */
    @WithDefault("10")
    int maxRetries();

    /** Event keys remembered in each profile document to make re-application a no-op. */
    @WithDefault("32")
    int dedupWindow();
  }

  interface Computed {
    /** How long computed-trait definitions are cached per workspace. */
    @WithDefault("5S")
    Duration definitionCacheTtl();

    /** How often the sliding-window expiry job runs ({@code off} disables it). */
    @WithDefault("60s")
    String expiryInterval();

    /** Profiles refreshed per run of the sliding-window expiry job. */
    @WithDefault("500")
    int expiryBatchSize();
  }

  interface Privacy {
    /** Services that must answer a privacy request before it is complete. */
    @WithDefault(
        "profile-service,identity-service,segment-service,activation-service,ingestion-service")
    List<String> participants();

    /**
     * How long an erased profile id is remembered (as a keyed hash) so that late events cannot
     * recreate it.
     */
    @WithDefault("30d")
    Duration tombstoneTtl();

    /**
     * Attempts of this service's part of a request (store or broker down) before it answers FAILED,
     * with the consumers' back-off.
     */
    @WithDefault("10")
    int maxRetries();
  }

  interface Api {
    /** Largest page the API returns for events and audit. */
    @WithDefault("200")
    int maxPageSize();

    /** Most events included in one export document. */
    @WithDefault("10000")
    int maxExportEvents();
  }
}
