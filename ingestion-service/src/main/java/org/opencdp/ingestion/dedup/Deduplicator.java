package org.opencdp.ingestion.dedup;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opencdp.ingestion.config.GatewayConfig;

/**
 * Remembers (workspace, messageId) in Redis for the dedup window, so SDK retries of a batch that
 * was already durable are not published twice.
 *
 * <p>Ids are marked only after Kafka acknowledged them: marking first would turn a crash between
 * mark and publish into a lost event (the SDK's retry would be dropped as a duplicate). The price
 * is that two identical requests racing each other can both be published; downstream consumers are
 * idempotent on the event key, so that costs work, never correctness.
 */
@ApplicationScoped
public class Deduplicator {
  private static final String MARK_SCRIPT =
      "for i, key in ipairs(KEYS) do redis.call('SET', key, '1', 'EX', ARGV[1]) end return #KEYS";

  private final ReactiveRedisDataSource redis;
  private final GatewayConfig config;

  Deduplicator(ReactiveRedisDataSource redis, GatewayConfig config) {
    this.redis = redis;
    this.config = config;
  }

  /** The message ids among {@code messageIds} already published in the dedup window. */
  public Uni<Set<String>> alreadySeen(String workspaceId, List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Uni.createFrom().item(Set.of());
    }
    String[] keys = new String[messageIds.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(workspaceId, messageIds.get(i));
    }
    return redis
        .execute("MGET", keys)
        .map(
            reply -> {
              Set<String> seen = new HashSet<>();
              for (int i = 0; i < messageIds.size(); i++) {
                if (reply.get(i) != null) {
                  seen.add(messageIds.get(i));
                }
              }
              return seen;
            });
  }

  /** Marks ids as published, in one round trip. */
  public Uni<Void> markSeen(String workspaceId, Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<String> args = new ArrayList<>(messageIds.size() + 3);
    args.add(MARK_SCRIPT);
    args.add(Integer.toString(messageIds.size()));
    for (String id : messageIds) {
      args.add(key(workspaceId, id));
    }
    args.add(Long.toString(config.dedupWindow().toSeconds()));
    return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
  }

  static String key(String workspaceId, String messageId) {
    return "cdp:dedup:" + workspaceId + ":" + messageId;
  }
}
