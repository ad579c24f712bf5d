package org.opencdp.segment.profile;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;

@ApplicationScoped
public class ProfileStateRepository implements PanacheRepositoryBase<ProfileStateEntity, String> {

  public Uni<ProfileStateEntity> lock(String workspaceId, String profileId) {
    return findById(ProfileStateEntity.key(workspaceId, profileId), LockModeType.PESSIMISTIC_WRITE);
  }

  /**
   * Locks the existing rows of {@code keys} in one statement, in byte order of the key ({@code
   * COLLATE "C"}, the order of Java's sorted strings that merges and erasures lock in, whatever the
   * database's collation), and returns them. Rows of unknown profiles are not returned.
   *
   * <p>The keys are bound as one array ({@code key = any(?)}), so every batch length shares one
   * statement text: an {@code IN (?, ?, ...)} list made Hibernate render and PostgreSQL parse a new
   * statement for every distinct batch length (a third of the service's CPU under load).
   */
  public Uni<List<ProfileStateEntity>> lockAll(List<String> keys) {
    if (keys.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(LOCK_ALL, ProfileStateEntity.class)
                    .setParameter("keys", keys.toArray(String[]::new))
                    .getResultList());
  }

  static final String LOCK_ALL =
      "select * from profile_state where key = any(:keys) order by key collate \"C\" for update";

  /** The next page of live profiles of a workspace after {@code afterKey}, locked when asked. */
  public Uni<List<ProfileStateEntity>> page(
      String workspaceId, String afterKey, int size, boolean lock) {
    var query =
        find(
            "workspaceId = ?1 and key > ?2 and deleted = false",
            Sort.by("key"),
            workspaceId,
            afterKey);
    if (lock) {
      query = query.withLock(LockModeType.PESSIMISTIC_WRITE);
    }
    return query.page(0, size).list();
  }

  /** Ids of the profiles merged into any of {@code survivors}. */
  public Uni<List<String>> mergedInto(String workspaceId, List<String> survivors) {
    return list("workspaceId = ?1 and mergedInto in ?2", workspaceId, survivors)
        .map(rows -> rows.stream().map(row -> row.profileId).toList());
  }

  public Uni<Long> countLive(String workspaceId) {
    return count("workspaceId = ?1 and deleted = false", workspaceId);
  }
}
