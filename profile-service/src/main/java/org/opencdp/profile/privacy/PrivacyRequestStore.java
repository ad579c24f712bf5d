package org.opencdp.profile.privacy;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.profile.BsonValues;

/**
 * Status of privacy requests: which services answered. Holds the request id, kind, profile id and
 * per-service states only, never identifiers or traits (it outlives the erased data as proof of
 * erasure).
 */
@ApplicationScoped
public class PrivacyRequestStore {
  private final ReactiveMongoCollection<Document> requests;

  PrivacyRequestStore(Collections collections) {
    this.requests = collections.get(Collections.PRIVACY_REQUESTS);
  }

  public Uni<Void> create(PrivacyRequest request) {
    return requests
        .insertOne(
            new Document("_id", request.requestId())
                .append("workspaceId", request.workspaceId())
                .append("profileId", request.profileId())
                .append("kind", request.kind().name())
                .append("status", "PENDING")
                .append("services", new Document())
                .append("requestedAt", Date.from(request.requestedAt())))
        .replaceWithVoid();
  }

  public Uni<Document> find(String workspaceId, String requestId) {
    return requests
        .find(Filters.eq("_id", requestId)) // primary-key lookup; the workspace is checked below
        .collect()
        .first()
        .map(doc -> doc != null && workspaceId.equals(doc.getString("workspaceId")) ? doc : null);
  }

  /** Records one service's answer and completes the request when every participant is done. */
  public Uni<Void> record(PrivacyStatus status, List<String> participants, Instant now) {
    var filter =
        Filters.and(
            Filters.eq("_id", status.requestId()), Filters.eq("workspaceId", status.workspaceId()));
    return requests
        .updateOne(
            filter,
            Updates.set(
                "services." + BsonValues.escapeKey(status.service()),
                new Document("state", status.state().name())
                    .append("detail", status.detail())
                    .append(
                        "at", Date.from(status.occurredAt() == null ? now : status.occurredAt()))))
        .chain(() -> requests.find(filter).collect().first())
        .chain(
            doc -> {
              if (doc == null) {
                return Uni.createFrom().voidItem();
              }
              Document services = doc.get("services", Document.class);
              boolean failed =
                  services.values().stream()
                      .anyMatch(s -> "FAILED".equals(((Document) s).getString("state")));
              boolean allDone =
                  participants.stream()
                      .allMatch(
                          p ->
                              services.get(BsonValues.escapeKey(p)) instanceof Document s
                                  && "DONE".equals(s.getString("state")));
              String next = failed ? "FAILED" : allDone ? "COMPLETED" : "PENDING";
              if (next.equals(doc.getString("status"))) {
                return Uni.createFrom().voidItem();
              }
              return requests
                  .updateOne(
                      filter,
                      Updates.combine(
                          Updates.set("status", next),
                          Updates.set(
                              "completedAt", next.equals("PENDING") ? null : Date.from(now))))
                  .replaceWithVoid();
            });
  }
}
