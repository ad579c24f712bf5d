package org.opencdp.ingestion.rejected;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The store of refused events: written before the gateway answers, listed by the management API.
 */
@ApplicationScoped
public class RejectedEvents implements PanacheRepository<RejectedEvent> {
  private static final int MAX_PAYLOAD = 32_768;

  private final MeterRegistry registry;

  RejectedEvents(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One rejection to keep. */
  public record Rejection(String messageId, String reason, String payload) {}

  @WithTransaction
  public Uni<Void> keep(
      String workspaceId, String sourceId, Instant receivedAt, List<Rejection> rejections) {
    if (rejections.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<RejectedEvent> rows =
        rejections.stream()
            .map(
                r -> {
                  RejectedEvent row = new RejectedEvent();
                  row.workspaceId = workspaceId;
                  row.sourceId = sourceId;
                  row.receivedAt = receivedAt;
                  row.messageId = r.messageId();
                  row.reason = r.reason();
                  row.payload =
                      r.payload() == null || r.payload().length() <= MAX_PAYLOAD
                          ? r.payload()
                          : r.payload().substring(0, MAX_PAYLOAD);
                  return row;
                })
            .toList();
    return persist(rows)
        .invoke(
            () ->
                registry
                    .counter("cdp.ingest.events", "source", sourceId, "outcome", "rejected")
                    .increment(rows.size()));
  }

  @WithSession
  public Uni<List<RejectedEvent>> list(String workspaceId, String sourceId, int page, int size) {
    String query = sourceId == null ? "workspaceId = ?1" : "workspaceId = ?1 and sourceId = ?2";
    Object[] params =
        sourceId == null ? new Object[] {workspaceId} : new Object[] {workspaceId, sourceId};
    return find(query, Sort.descending("receivedAt", "id"), params)
        .page(Page.of(page, size))
        .list();
  }

  @WithSession
  public Uni<Long> count(String workspaceId) {
    return count("workspaceId", workspaceId);
  }
}
