package org.opencdp.profile.config;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's MongoDB collections and their indexes. Every document carries {@code workspaceId}
 * and every query filters on it. Only single-document atomic writes are used (no transactions).
 */
@ApplicationScoped
public class Collections {
  public static final String PROFILES = "profiles";
  public static final String TIMELINE = "timeline";
  public static final String IDENTIFIERS = "identifiers";
  public static final String AUDIT = "audit";
  public static final String COMPUTED_TRAITS = "computed_traits";
  public static final String IDENTITY_CHANGES = "identity_changes";
  public static final String PRIVACY_REQUESTS = "privacy_requests";
  public static final String TOMBSTONES = "tombstones";
  public static final String SEGMENT_HISTORY = "segment_history";
  public static final String WORKSPACE_SETTINGS = "workspace_settings";

  private final ReactiveMongoClient client;
  private final String database;
  private final ProfileConfig config;

  Collections(
      ReactiveMongoClient client,
      @ConfigProperty(name = "quarkus.mongodb.database") String database,
      ProfileConfig config) {
    this.client = client;
    this.database = database;
    this.config = config;
  }

  public ReactiveMongoCollection<Document> get(String name) {
    return client.getDatabase(database).getCollection(name);
  }

  void createIndexes(@Observes StartupEvent startup) {
    Uni.join()
        .all(
            // versioned writes filter on {_id, version}; MongoDB serves them from the _id index,
            // mongo-java-server only uses an index whose keys equal the filter's keys
            get(PROFILES)
                .createIndex(Indexes.ascending("_id", "version"), new IndexOptions().unique(true)),
            get(PROFILES).createIndex(Indexes.ascending("workspaceId", "mergedInto")),
            get(PROFILES).createIndex(Indexes.ascending("nextExpiry")),
            // the outbox relay looks for outboxes older than relay-after every 30 s: without this
            // index that is a scan of every profile (mongo-java-server ignores it and scans)
            get(PROFILES).createIndex(Indexes.ascending("outbox.at")),
            get(TIMELINE)
                .createIndex(
                    Indexes.compoundIndex(
                        Indexes.ascending("workspaceId", "profileId"), Indexes.descending("ts"))),
            // retention: the job folds and removes events at expiresAt; on MongoDB the TTL monitor
            // removes any it missed after the grace period (mongo-java-server runs no TTL monitor)
            get(TIMELINE)
                .createIndex(
                    Indexes.ascending("expiresAt"),
                    new IndexOptions()
                        .expireAfter(config.timeline().ttlGrace().toSeconds(), TimeUnit.SECONDS)),
            get(TOMBSTONES)
                .createIndex(
                    Indexes.ascending("expiresAt"),
                    new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)),
            get(SEGMENT_HISTORY)
                .createIndex(
                    Indexes.compoundIndex(
                        Indexes.ascending("workspaceId", "profileId"),
                        Indexes.descending("occurredAt"))),
            get(IDENTIFIERS).createIndex(Indexes.ascending("workspaceId", "profileId")),
            get(AUDIT)
                .createIndex(
                    Indexes.compoundIndex(
                        Indexes.ascending("workspaceId", "profileId"),
                        Indexes.descending("recordedAt"))),
            get(PRIVACY_REQUESTS)
                .createIndex(Indexes.ascending("workspaceId", "profileId"), new IndexOptions()))
        .andCollectFailures()
        .subscribe()
        .with(
            ok -> Log.infof("indexes ready on %s", List.of(PROFILES, TIMELINE, IDENTIFIERS, AUDIT)),
            failure -> Log.error("index creation failed", failure));
  }
}
