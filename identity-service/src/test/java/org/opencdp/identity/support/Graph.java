package org.opencdp.identity.support;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.service.DuplicatedContexts;
import org.opencdp.identity.service.resolution.BlockedPattern;
import org.opencdp.identity.service.resolution.IdentityResolver;
import org.opencdp.identity.service.resolution.Resolution;
import org.opencdp.identity.service.resolution.RuleService;
import org.opencdp.identity.service.resolution.TypeRule;
import org.opencdp.identity.store.IdentifierRepository;
import org.opencdp.identity.store.RejectionEntity;
import org.opencdp.identity.store.RejectionRepository;

/** Test access to the graph in PostgreSQL and to the resolver, from any test thread. */
@ApplicationScoped
public class Graph {
  private final DuplicatedContexts contexts;
  private final IdentityResolver resolver;
  private final IdentifierRepository identifiers;
  private final RejectionRepository rejections;
  private final RuleService rules;

  public Graph(
      DuplicatedContexts contexts,
      IdentityResolver resolver,
      IdentifierRepository identifiers,
      RejectionRepository rejections,
      RuleService rules) {
    this.contexts = contexts;
    this.resolver = resolver;
    this.identifiers = identifiers;
    this.rejections = rejections;
    this.rules = rules;
  }

  public Resolution resolve(EventEnvelope event) {
    return await(() -> resolver.resolve(event));
  }

  public Map<Identifier, String> snapshot(String workspaceId) {
    return await(() -> Panache.withSession(() -> identifiers.snapshot(workspaceId)));
  }

  public List<RejectionEntity> rejections(String workspaceId) {
    return await(() -> Panache.withSession(() -> rejections.latest(workspaceId, 1000)));
  }

  public void setRules(
      String workspaceId, List<TypeRule> types, int defaultLimit, List<BlockedPattern> blocked) {
    await(
        () ->
            Panache.withTransaction(
                () -> rules.replace(workspaceId, types, 50, defaultLimit, blocked)));
  }

  public Map<String, Integer> storedCounts(String workspaceId) {
    return await(
        () ->
            Panache.withSession(
                () ->
                    identifiers
                        .getSession()
                        .chain(
                            session ->
                                session
                                    .<Object[]>createNativeQuery(
                                        "SELECT id, identifier_count FROM identity_profile"
                                            + " WHERE workspace_id = :ws AND status = 'ACTIVE'")
                                    .setParameter("ws", workspaceId)
                                    .getResultList())
                        .map(
                            rows -> {
                              Map<String, Integer> counts = new HashMap<>();
                              for (Object[] row : rows) {
                                counts.put((String) row[0], ((Number) row[1]).intValue());
                              }
                              return counts;
                            })));
  }

  /** Result of a count query on the identity tables (parameters bound by name). */
  public long count(String sql, Map<String, Object> parameters) {
    return await(
        () ->
            Panache.withSession(
                () ->
                    identifiers
                        .getSession()
                        .chain(
                            session -> {
                              var query = session.<Number>createNativeQuery(sql);
                              parameters.forEach(query::setParameter);
                              return query.getSingleResult();
                            })
                        .map(Number::longValue)));
  }

  /** The graph as a partition: which identifiers are together, independent of profile ids. */
  public static Set<Set<Identifier>> partition(Map<Identifier, String> snapshot) {
    Map<String, Set<Identifier>> byProfile = new HashMap<>();
    snapshot.forEach(
        (identifier, profile) ->
            byProfile.computeIfAbsent(profile, p -> new HashSet<>()).add(identifier));
    return new HashSet<>(byProfile.values());
  }

  public static Set<Identifier> ids(Collection<Identifier> identifiers) {
    return new HashSet<>(identifiers);
  }

  /** Runs service work on a Vert.x context of its own and waits for it. */
  public <T> T run(Supplier<Uni<T>> work) {
    return await(work);
  }

  /** An update statement on the identity tables in a transaction (parameters bound by name). */
  public int execute(String sql, Map<String, Object> parameters) {
    return await(
        () ->
            Panache.withTransaction(
                () ->
                    identifiers
                        .getSession()
                        .chain(
                            session -> {
                              var query = session.createNativeQuery(sql);
                              parameters.forEach(query::setParameter);
                              return query.executeUpdate();
                            })));
  }

  private <T> T await(Supplier<Uni<T>> work) {
    return contexts.run(work).await().atMost(Duration.ofSeconds(60));
  }
}
