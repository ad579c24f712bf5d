package org.opencdp.activation.config;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A time-to-live cache for configuration read on the hot paths (campaigns, destinations). Only one
 * thread loads a key at a time: when an entry has expired, one caller reloads it and the others
 * keep using the previous value meanwhile, so a burst of messages never turns into a burst of
 * identical queries.
 */
public final class ConfigCache<K, V> {
  private record Entry<V>(V value, long loadedAt) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final Map<K, Object> locks = new ConcurrentHashMap<>();
  private final Map<K, Boolean> refreshing = new ConcurrentHashMap<>();
  private final long ttlMillis;

  public ConfigCache(Duration ttl) {
    this.ttlMillis = ttl.toMillis();
  }

  public V get(K key, Function<K, V> loader) {
    Entry<V> entry = entries.get(key);
    if (entry != null && fresh(entry)) {
      return entry.value();
    }
    if (entry != null) {
      if (refreshing.putIfAbsent(key, Boolean.TRUE) != null) {
        return entry.value(); // another thread is reloading it
      }
      try {
        return load(key, loader);
      } finally {
        refreshing.remove(key);
      }
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      Entry<V> loaded = entries.get(key);
      return loaded != null && fresh(loaded) ? loaded.value() : load(key, loader);
    }
  }

  public void invalidate(K key) {
    entries.remove(key);
  }

  private V load(K key, Function<K, V> loader) {
    V value = loader.apply(key);
    entries.put(key, new Entry<>(value, System.currentTimeMillis()));
    return value;
  }

  private boolean fresh(Entry<V> entry) {
    return System.currentTimeMillis() - entry.loadedAt() < ttlMillis;
  }
}
