package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Idempotency records of resolved events. */
@ApplicationScoped
public class ProcessedEventRepository
    implements PanacheRepositoryBase<ProcessedEventEntity, String> {

  /** Plain insert: a concurrent duplicate fails on the primary key and is retried as a replay. */
  public Uni<Void> record(String workspaceId, String eventKey, String profileId) {
    return getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "INSERT INTO identity_processed_event (event_key, workspace_id,"
                            + " profile_id, processed_at) VALUES (:key, :ws, :profile,"
                            + " clock_timestamp())")
                    .setParameter("key", eventKey)
                    .setParameter("ws", workspaceId)
                    .setParameter("profile", profileId)
                    .executeUpdate())
        .replaceWithVoid();
  }

  public Uni<Long> deleteProcessedBefore(Instant cutoff) {
    return delete("processedAt < ?1", cutoff);
  }
}
