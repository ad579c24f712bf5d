package org.opencdp.ingestion.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the gateway; every one is overridable by environment variable (see README). */
@ConfigMapping(prefix = "cdp.gateway")
public interface GatewayConfig {

  /** Largest single event, in decompressed JSON bytes (Segment: 32 KB). */
  @WithDefault("32768")
  int maxEventBytes();

  /** Largest request body, in decompressed bytes (Segment: 500 KB). */
  @WithDefault("512000")
  int maxBatchBytes();

  @WithDefault("2500")
  int maxBatchEvents();

  /** Deepest JSON nesting accepted; deeper bodies are refused before they are built in memory. */
  @WithDefault("32")
  int maxJsonDepth();

  /** How long a request waits for Kafka's acknowledgement before answering 503. */
  @WithDefault("10s")
  Duration kafkaAckTimeout();

  /** Retry-After sent with 503 when Kafka is unavailable. */
  @WithDefault("5")
  int retryAfterSeconds();

  /** How long a (workspace, messageId) is remembered to drop SDK retries. */
  @WithDefault("24h")
  Duration dedupWindow();

  /** Events per second per source when the source sets no limit of its own. */
  @WithDefault("5000")
  int defaultRateLimitPerSecond();

  /** SHA-256 (hex) of the platform admin token that may create workspaces and workspace tokens. */
  Optional<String> adminTokenSha256();

  /** Key of the HMAC that hashes suppressed identifiers (from a Secret). */
  Optional<String> hashKey();

  /** A config-as-code file (YAML) declaring workspaces, sources, write keys and tracking plans. */
  Optional<String> configFile();
}
