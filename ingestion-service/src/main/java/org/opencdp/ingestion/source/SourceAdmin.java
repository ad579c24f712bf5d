package org.opencdp.ingestion.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.opencdp.ingestion.plan.TrackingPlans;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * Writes to the source registry: workspaces, sources with their plans and limits, write keys and
 * workspace tokens. Used by the management API and by the config-as-code file at start.
 */
@ApplicationScoped
public class SourceAdmin {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final SourceRepositories.Workspaces workspaces;
  private final SourceRepositories.Sources sources;
  private final SourceRepositories.WriteKeys writeKeys;
  private final SourceRepositories.ApiTokens tokens;
  private final TrackingPlans plans;
  private final SourceRegistry registry;

  SourceAdmin(
      SourceRepositories.Workspaces workspaces,
      SourceRepositories.Sources sources,
      SourceRepositories.WriteKeys writeKeys,
      SourceRepositories.ApiTokens tokens,
      TrackingPlans plans,
      SourceRegistry registry) {
    this.workspaces = workspaces;
    this.sources = sources;
    this.writeKeys = writeKeys;
    this.tokens = tokens;
    this.plans = plans;
    this.registry = registry;
  }

  /** What a caller may set on a source. */
  public record SourceSpec(
      String name, Integer rateLimitPerSecond, Source.PlanMode planMode, JsonNode trackingPlan) {}

  @WithTransaction
  public Uni<Workspace> upsertWorkspace(String id, String name) {
    requireId(id, "workspace id");
    return workspaces
        .findById(id)
        .flatMap(
            existing -> {
              Workspace workspace = existing != null ? existing : new Workspace();
              workspace.id = id;
              workspace.name = name == null || name.isBlank() ? id : name;
              if (workspace.createdAt == null) {
                workspace.createdAt = Instant.now();
              }
              return workspaces.persist(workspace);
            });
  }

  @WithTransaction
  public Uni<Source> upsertSource(String workspaceId, String sourceId, SourceSpec spec) {
    requireId(sourceId, "source id");
    if (spec.rateLimitPerSecond() != null && spec.rateLimitPerSecond() < 1) {
      throw ProblemException.badRequest("\"rateLimitPerSecond\" must be at least 1.");
    }
    String plan = plans.validate(spec.trackingPlan());
    return requireWorkspace(workspaceId)
        .flatMap(ignored -> sources.find(workspaceId, sourceId))
        .flatMap(
            existing -> {
              Source source = existing != null ? existing : new Source();
              source.workspaceId = workspaceId;
              source.id = sourceId;
              source.name = spec.name() == null || spec.name().isBlank() ? sourceId : spec.name();
              source.rateLimitPerSecond = spec.rateLimitPerSecond();
              source.planMode = spec.planMode() == null ? Source.PlanMode.ALLOW : spec.planMode();
              source.trackingPlan = plan;
              if (source.createdAt == null) {
                source.createdAt = Instant.now();
              }
              return sources.persist(source);
            })
        .call(registry::invalidate);
  }

  @WithSession
  public Uni<List<Source>> listSources(String workspaceId) {
    return sources.listByWorkspace(workspaceId);
  }

  @WithSession
  public Uni<Source> getSource(String workspaceId, String sourceId) {
    return sources
        .find(workspaceId, sourceId)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("No source " + sourceId + " in this workspace."));
  }

  @WithTransaction
  public Uni<Void> deleteSource(String workspaceId, String sourceId) {
    return getSource(workspaceId, sourceId)
        .call(source -> writeKeys.deleteBySource(workspaceId, sourceId))
        .call(sources::delete)
        .call(registry::invalidate)
        .replaceWithVoid();
  }

  /** Stores the key's hash; the plain key is returned by the caller once and never again. */
  @WithTransaction
  public Uni<WriteKey> addWriteKey(String workspaceId, String sourceId, String plainKey) {
    return addWriteKeyHash(workspaceId, sourceId, Secrets.sha256(plainKey), Secrets.hint(plainKey));
  }

  @WithTransaction
  public Uni<WriteKey> addWriteKeyHash(
      String workspaceId, String sourceId, String hash, String hint) {
    return getSource(workspaceId, sourceId)
        .flatMap(source -> writeKeys.findById(hash))
        .flatMap(
            existing -> {
              if (existing != null) {
                if (!existing.workspaceId.equals(workspaceId)
                    || !existing.sourceId.equals(sourceId)) {
                  throw ProblemException.conflict("This write key belongs to another source.");
                }
                return Uni.createFrom().item(existing);
              }
              WriteKey key = new WriteKey();
              key.keyHash = hash;
              key.workspaceId = workspaceId;
              key.sourceId = sourceId;
              key.hint = hint;
              key.createdAt = Instant.now();
              return writeKeys.persist(key);
            })
        .call(registry::invalidate);
  }

  @WithSession
  public Uni<List<WriteKey>> listWriteKeys(String workspaceId, String sourceId) {
    return getSource(workspaceId, sourceId)
        .flatMap(s -> writeKeys.listBySource(workspaceId, sourceId));
  }

  /** Revokes a key by its id (the first 16 hex characters of its hash). */
  @WithTransaction
  public Uni<Void> revokeWriteKey(String workspaceId, String sourceId, String keyId) {
    return writeKeys
        .delete(
            "workspaceId = ?1 and sourceId = ?2 and keyHash like ?3",
            workspaceId,
            sourceId,
            keyId.replaceAll("[^0-9a-f]", "") + "%")
        .map(
            deleted -> {
              if (deleted == 0) {
                throw ProblemException.notFound("No such write key on this source.");
              }
              return null;
            })
        .call(registry::invalidate)
        .replaceWithVoid();
  }

  @WithTransaction
  public Uni<ApiToken> addTokenHash(String workspaceId, String name, String hash) {
    return requireWorkspace(workspaceId)
        .flatMap(ignored -> tokens.findById(hash))
        .flatMap(
            existing -> {
              if (existing != null) {
                if (!existing.workspaceId.equals(workspaceId)) {
                  throw ProblemException.conflict("This token belongs to another workspace.");
                }
                return Uni.createFrom().item(existing);
              }
              ApiToken token = new ApiToken();
              token.tokenHash = hash;
              token.workspaceId = workspaceId;
              token.name = name == null || name.isBlank() ? "token" : name;
              token.createdAt = Instant.now();
              return tokens.persist(token);
            });
  }

  private Uni<Workspace> requireWorkspace(String workspaceId) {
    return workspaces
        .findById(workspaceId)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("No workspace " + workspaceId + "."));
  }

  private static void requireId(String id, String what) {
    if (id == null || !ID.matcher(id).matches()) {
      throw ProblemException.badRequest(
          "The "
              + what
              + " must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
    }
  }
}
