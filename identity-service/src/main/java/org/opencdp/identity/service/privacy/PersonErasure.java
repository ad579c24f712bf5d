package org.opencdp.identity.service.privacy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.service.resolution.GraphChangedException;
import org.opencdp.identity.service.resolution.Transactions;
import org.opencdp.identity.store.AuditRepository;
import org.opencdp.identity.store.ErasedIdentifierRepository;
import org.opencdp.identity.store.ErasureStore;
import org.opencdp.identity.store.IdentifierRepository;
import org.opencdp.identity.store.ProfileRepository;
import org.opencdp.identity.store.ProfileRow;

/**
 * Erases one person from the identity graph of one workspace: the profile a privacy request names,
 * resolved to its canonical profile, and every profile merged into it, with their identifiers and
 * history (see {@link ErasureStore#erase}). Follows the resolver's locking protocol (identifier
 * advisory locks, then profile row locks, each in one global order), so an event of the person
 * resolved at the same time either commits before (and is erased) or waits and finds nothing.
 *
 * <p>Leaves one audit entry per request ({@code PRIVACY_DELETE} or {@code PRIVACY_ANONYMIZE},
 * target {@code privacy request <id>}, the counts as reason): proof that the erasure happened,
 * without personal data. Running the same request again finds nothing and writes nothing.
 *
 * <p>Every erased identifier is remembered as a keyed hash with the erasure time and the request id
 * ({@link ErasedIdentifiers}), in the same transaction: an event of the person the gateway accepted
 * before the erasure but resolved after it is kept from recreating them.
 */
@ApplicationScoped
public class PersonErasure {
  static final String ACTOR = "privacy-request";
  private static final int MAX_ATTEMPTS = 8;

  /** What one run erased. */
  public record Erased(int profiles, int identifiers) {}

  private final ErasureStore store;
  private final IdentifierRepository identifiers;
  private final ProfileRepository profiles;
  private final AuditRepository audit;
  private final ErasedIdentifierRepository erasedIdentifiers;
  private final ErasedIdentifiers hashes;

  PersonErasure(
      ErasureStore store,
      IdentifierRepository identifiers,
      ProfileRepository profiles,
      AuditRepository audit,
      ErasedIdentifierRepository erasedIdentifiers,
      ErasedIdentifiers hashes) {
    this.store = store;
    this.identifiers = identifiers;
    this.profiles = profiles;
    this.audit = audit;
    this.erasedIdentifiers = erasedIdentifiers;
    this.hashes = hashes;
  }

  /**
   * Erases the person and records the request in the audit (once). {@code action} is the audit
   * action, e.g. {@code PRIVACY_DELETE}.
   */
  public Uni<Erased> erase(String workspaceId, String profileId, String requestId, String action) {
    return Uni.createFrom()
        .deferred(
            () ->
                Panache.withTransaction(
                    () ->
                        eraseLocked(workspaceId, profileId, requestId)
                            .call(erased -> recordOnce(workspaceId, requestId, action, erased))))
        .onFailure(Transactions::isRetryable)
        .retry()
        .withBackOff(Duration.ofMillis(5), Duration.ofMillis(200))
        .withJitter(0.5)
        .atMost(MAX_ATTEMPTS);
  }

  private Uni<Erased> eraseLocked(String workspaceId, String profileId, String requestId) {
    return profiles
        .activeRoot(workspaceId, profileId)
        .chain(
            root ->
                store
                    .family(workspaceId, root)
                    .chain(
                        family -> {
                          if (family.isEmpty()) {
                            return Uni.createFrom().item(new Erased(0, 0));
                          }
                          return store
                              .identifiersOf(workspaceId, family)
                              .call(values -> lockIdentifiers(workspaceId, values))
                              .chain(() -> profiles.lockInIdOrder(workspaceId, family))
                              .call(locked -> checkUnchanged(workspaceId, root, family, locked))
                              // Under the row locks no identifier can join or leave these profiles.
                              .chain(() -> store.identifiersOf(workspaceId, family))
                              .call(values -> store.erase(workspaceId, family, values))
                              .call(
                                  values ->
                                      erasedIdentifiers.record(
                                          workspaceId,
                                          values.stream()
                                              .map(value -> hashes.hash(workspaceId, value))
                                              .toList(),
                                          requestId))
                              .map(values -> new Erased(family.size(), values.size()));
                        }));
  }

  private Uni<Void> lockIdentifiers(String workspaceId, List<Identifier> values) {
    return values.isEmpty()
        ? Uni.createFrom().voidItem()
        : identifiers.lockInKeyOrder(workspaceId, values);
  }

  /** A merge or undo between the first read and the locks changes the person: start again. */
  private Uni<Void> checkUnchanged(
      String workspaceId, String root, List<String> family, Map<String, ProfileRow> locked) {
    ProfileRow rootRow = locked.get(root);
    if (rootRow == null || !rootRow.active()) {
      return Uni.createFrom().failure(new GraphChangedException("profile merged while erasing"));
    }
    return store
        .family(workspaceId, root)
        .invoke(
            now -> {
              if (!now.equals(family)) {
                throw new GraphChangedException("profiles merged or restored while erasing");
              }
            })
        .replaceWithVoid();
  }

  private Uni<Void> recordOnce(String workspaceId, String requestId, String action, Erased erased) {
    String target = "privacy request " + requestId;
    return audit
        .count("workspaceId = ?1 and target = ?2", workspaceId, target)
        .chain(
            existing ->
                existing > 0
                    ? Uni.createFrom().voidItem()
                    : audit.record(
                        workspaceId,
                        action,
                        ACTOR,
                        target,
                        "erased "
                            + erased.profiles()
                            + " profile(s) and "
                            + erased.identifiers()
                            + " identifier(s)",
                        null));
  }
}
