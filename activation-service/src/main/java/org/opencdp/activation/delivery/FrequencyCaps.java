package org.opencdp.activation.delivery;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.redis.datasource.keys.KeyScanCursor;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Frequency caps per profile and channel in Redis: a counter per fixed window ({@code max} messages
 * per {@code windowSeconds}), set on the destination as {@code frequencyCap}. Keys expire with
 * their window.
 */
@ApplicationScoped
public class FrequencyCaps {
  private static final String PREFIX = "cdp:activation:cap:";

  /** Adds one counter to another (keeping the longer expiry) and deletes it, atomically. */
  private static final String MOVE =
      """
      local n = redis.call('GET', KEYS[1])
      if not n then return 0 end
      local ttl = redis.call('PTTL', KEYS[1])
      redis.call('INCRBY', KEYS[2], n)
      if ttl > 0 and redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
      redis.call('DEL', KEYS[1])
      return tonumber(n)
      """;

  private final RedisDataSource redis;
  private final ValueCommands<String, Long> counters;
  private final KeyCommands<String> keys;

  FrequencyCaps(RedisDataSource redis) {
    this.redis = redis;
    this.counters = redis.value(Long.class);
    this.keys = redis.key();
  }

  /**
   * Adds the merged profile's counters to the survivor's (same channel and window) and removes
   * them, so caps count across both. Each counter moves atomically: a repeated merge moves nothing.
   */
  public void merge(String workspaceId, String mergedProfileId, String survivorProfileId) {
    String from = profilePrefix(workspaceId, mergedProfileId);
    String to = profilePrefix(workspaceId, survivorProfileId);
    for (String key : keysOf(workspaceId, mergedProfileId)) {
      redis.execute("EVAL", MOVE, "2", key, to + key.substring(from.length()));
    }
  }

  /** Deletes every counter of the profile (privacy erasure). */
  public void erase(String workspaceId, String profileId) {
    List<String> all = keysOf(workspaceId, profileId);
    if (!all.isEmpty()) {
      keys.del(all.toArray(new String[0]));
    }
  }

  /** Counter keys of exactly this profile ({@code <prefix>channel:bucket}, no other colon). */
  private List<String> keysOf(String workspaceId, String profileId) {
    String prefix = profilePrefix(workspaceId, profileId);
    List<String> out = new ArrayList<>();
    KeyScanCursor<String> cursor =
        keys.scan(new KeyScanArgs().match(glob(prefix) + "*").count(500));
    while (cursor.hasNext()) {
      for (String key : cursor.next()) {
        String rest = key.substring(prefix.length());
        if (rest.indexOf(':') == rest.lastIndexOf(':') && rest.indexOf(':') > 0) {
          out.add(key);
        }
      }
    }
    return out;
  }

  private static String profilePrefix(String workspaceId, String profileId) {
    return PREFIX + workspaceId + ":" + profileId + ":";
  }

  private static String glob(String literal) {
    return literal.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
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
    String key = profilePrefix(workspaceId, profileId) + channel + ":" + bucket;
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
