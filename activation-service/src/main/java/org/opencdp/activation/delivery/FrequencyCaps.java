package org.opencdp.activation.delivery;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;

/**
 * Frequency caps per profile and channel in Redis: a counter per fixed window ({@code max} messages
 * per {@code windowSeconds}), set on the destination as {@code frequencyCap}. Keys expire with
 * their window.
 */
@ApplicationScoped
public class FrequencyCaps {
  private final ValueCommands<String, Long> counters;
  private final KeyCommands<String> keys;

  FrequencyCaps(RedisDataSource redis) {
    this.counters = redis.value(Long.class);
    this.keys = redis.key();
  }

  /** Takes one message of the allowance; false (and nothing taken) when the cap is reached. */
  public boolean tryAcquire(
      String workspaceId, String profileId, String channel, Map<String, Object> cap, Instant now) {
    if (cap == null
        || !(cap.get("max") instanceof Number max)
        || !(cap.get("windowSeconds") instanceof Number window)
        || window.longValue() <= 0) {
      return true;
    }
    long bucket = now.getEpochSecond() / window.longValue();
    String key =
        "cdp:activation:cap:" + workspaceId + ":" + profileId + ":" + channel + ":" + bucket;
    long count = counters.incr(key);
    if (count == 1) {
      keys.expire(key, window.longValue() + 60);
    }
    if (count > max.longValue()) {
      counters.decr(key);
      return false;
    }
    return true;
  }
}
