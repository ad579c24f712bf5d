package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** A workspace's resolution rules: the rule set marker, its identifier types, blocked values. */
@ApplicationScoped
public class RuleRepository implements PanacheRepositoryBase<RuleSetEntity, String> {

  public Uni<RuleSetEntity> ruleSet(String workspaceId) {
    return findById(workspaceId);
  }

  public Uni<List<TypeRuleEntity>> typeRules(String workspaceId) {
    return getSession()
        .chain(
            session ->
                session
                    .createSelectionQuery(
                        "from TypeRuleEntity where workspaceId = :ws order by priority, type",
                        TypeRuleEntity.class)
                    .setParameter("ws", workspaceId)
                    .getResultList());
  }

  public Uni<List<BlockedPatternEntity>> blockedPatterns(String workspaceId) {
    return getSession()
        .chain(
            session ->
                session
                    .createSelectionQuery(
                        "from BlockedPatternEntity where workspaceId = :ws order by id",
                        BlockedPatternEntity.class)
                    .setParameter("ws", workspaceId)
                    .getResultList());
  }

  /** Removes every rule of the workspace (the defaults apply again). */
  public Uni<Void> deleteAll(String workspaceId) {
    return getSession()
        .chain(
            session ->
                session
                    .createMutationQuery("delete from TypeRuleEntity where workspaceId = :ws")
                    .setParameter("ws", workspaceId)
                    .executeUpdate()
                    .chain(
                        () ->
                            session
                                .createMutationQuery(
                                    "delete from BlockedPatternEntity where workspaceId = :ws")
                                .setParameter("ws", workspaceId)
                                .executeUpdate())
                    .chain(
                        () ->
                            session
                                .createMutationQuery(
                                    "delete from RuleSetEntity where workspaceId = :ws")
                                .setParameter("ws", workspaceId)
                                .executeUpdate()))
        .replaceWithVoid();
  }
}
