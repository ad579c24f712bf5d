package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Erased identifiers (keyed hashes only). Reads for resolution are part of the resolution reads
 * ({@link BatchStore#read}, {@link IdentifierRepository#readForResolution}); this holds the writes.
 */
@ApplicationScoped
public class ErasedIdentifierRepository
    implements PanacheRepositoryBase<ErasedIdentifierEntity, String> {

  /**
   * Remembers the hashes as erased now by the request. An identifier erased again (recreated by a
   * later event, then erased by another request) moves to the latest erasure.
   */
  public Uni<Void> record(String workspaceId, Collection<String> hashes, String requestId) {
    if (hashes.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<String> sorted = hashes.stream().distinct().sorted().toList();
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < sorted.size(); i++) {
      rows.append(i == 0 ? "" : ", ").append("(:h").append(i).append(")");
    }
    return getSession()
        .chain(
            session -> {
              var query =
                  session
                      .createNativeQuery(
                          "INSERT INTO identity_erased_identifier (identifier_hash, workspace_id,"
                              + " erased_at, request_id, late_events)"
                              + " SELECT h, :ws, clock_timestamp(), :request, 0 FROM (VALUES "
                              + rows
                              + ") AS v(h) ON CONFLICT (identifier_hash) DO UPDATE SET"
                              + " erased_at = excluded.erased_at, request_id = excluded.request_id")
                      .setParameter("ws", workspaceId)
                      .setParameter("request", requestId);
              for (int i = 0; i < sorted.size(); i++) {
                query.setParameter("h" + i, sorted.get(i));
              }
              return query.executeUpdate();
            })
        .replaceWithVoid();
  }

  /** Counts one late event on the erased identifiers it named (the data-free record). */
  public Uni<Void> countLateEvent(String workspaceId, List<String> hashes) {
    return update(
            "lateEvents = lateEvents + 1, lastLateEventAt = ?1"
                + " where workspaceId = ?2 and identifierHash in ?3",
            Instant.now(),
            workspaceId,
            hashes)
        .replaceWithVoid();
  }

  public Uni<Long> deleteErasedBefore(Instant cutoff) {
    return delete("erasedAt < ?1", cutoff);
  }
}
