package org.opencdp.profile.profile;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.opencdp.profile.config.Collections;

/**
 * The identifier index: {@code _id} is the keyed hash of (workspace, type, value), pointing at the
 * profile that currently holds it. Values are stored encrypted, never in clear.
 */
@ApplicationScoped
public class IdentifierStore {
  private final ReactiveMongoCollection<Document> identifiers;
  private final ProfileDocuments documents;

  IdentifierStore(Collections collections, ProfileDocuments documents) {
    this.identifiers = collections.get(Collections.IDENTIFIERS);
    this.documents = documents;
  }

  private static final Document LOOKUP = new Document("workspaceId", 1).append("profileId", 1);

  public Uni<String> profileIdFor(String workspaceId, String hash) {
    return identifiers
        .find(
            Filters.eq("_id", hash), // primary-key lookup; the workspace is checked below
            new FindOptions().projection(LOOKUP)) // not the encrypted value
        .collect()
        .first()
        .map(
            doc ->
                doc == null || !workspaceId.equals(doc.getString("workspaceId"))
                    ? null
                    : doc.getString("profileId"));
  }

  public Uni<Void> assign(String workspaceId, String profileId, List<KnownIdentifier> known) {
    return assignAll(workspaceId, java.util.Map.of(profileId, known));
  }

  /** Points identifiers at their profiles, for several profiles in one round trip. */
  public Uni<Void> assignAll(
      String workspaceId, java.util.Map<String, List<KnownIdentifier>> byProfile) {
    List<WriteModel<Document>> writes = new ArrayList<>();
    byProfile.forEach(
        (profileId, known) -> writes.addAll(assignments(workspaceId, profileId, known)));
    if (writes.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return identifiers.bulkWrite(writes).replaceWithVoid();
  }

  private List<WriteModel<Document>> assignments(
      String workspaceId, String profileId, List<KnownIdentifier> known) {
    List<WriteModel<Document>> writes = new ArrayList<>();
    for (KnownIdentifier identifier : known) {
      Document stored = documents.identifier(workspaceId, identifier);
      writes.add(
          new UpdateOneModel<>(
              Filters.eq("_id", identifier.hash()),
              Updates.combine(
                  Updates.set("workspaceId", workspaceId),
                  Updates.set("profileId", profileId),
                  Updates.set("type", identifier.type()),
                  Updates.set("value", stored.getString("v"))),
              new UpdateOptions().upsert(true)));
    }
    return writes;
  }

  public Uni<Void> moveAll(String workspaceId, String fromProfileId, String toProfileId) {
    return identifiers
        .updateMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.eq("profileId", fromProfileId)),
            Updates.set("profileId", toProfileId))
        .replaceWithVoid();
  }

  public Uni<Void> move(String workspaceId, List<String> hashes, String toProfileId) {
    return identifiers
        .updateMany(
            Filters.and(Filters.eq("workspaceId", workspaceId), Filters.in("_id", hashes)),
            Updates.set("profileId", toProfileId))
        .replaceWithVoid();
  }

  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return identifiers
        .deleteMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)))
        .map(r -> r.getDeletedCount());
  }

  public Uni<Long> countForProfiles(String workspaceId, List<String> profileIds) {
    return identifiers.countDocuments(
        Filters.and(Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)));
  }
}
