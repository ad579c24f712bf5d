package org.opencdp.profile.profile;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.audit.AuditStore;
import org.opencdp.profile.messaging.KafkaPublisher;

/**
 * The one write path of profile documents: read, mutate in memory, write back if the version did
 * not move (else re-read and retry), then carry out the outbox (audit records, identifier index,
 * ProfileChanged) and clear it. The outbox is part of the document write, so a crash after the
 * write leaves the work there for the next writer or the redelivered message.
 */
@ApplicationScoped
public class ProfileWriter {
  private static final int MAX_ATTEMPTS = 20;

  private final ProfileStore store;
  private final ProfileDocuments documents;
  private final AuditStore audit;
  private final IdentifierStore identifiers;
  private final KafkaPublisher publisher;
  private final Clock clock;
  private final io.micrometer.core.instrument.MeterRegistry metrics;

  ProfileWriter(
      ProfileStore store,
      ProfileDocuments documents,
      AuditStore audit,
      IdentifierStore identifiers,
      KafkaPublisher publisher,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry metrics) {
    this.metrics = metrics;
    this.store = store;
    this.documents = documents;
    this.audit = audit;
    this.identifiers = identifiers;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** Lost an optimistic race. */
  static final class Conflict extends RuntimeException {
    Conflict() {
      super("version conflict", null, false, false);
    }
  }

  /**
   * Applies {@code mutation} (which returns whether it changed the profile) and persists it.
   * Returns the profile as written (or as read when nothing changed).
   */
  public Uni<Profile> mutate(
      String workspaceId, String profileId, Function<Profile, Uni<Boolean>> mutation) {
    return Uni.createFrom()
        .deferred(
            () ->
                store
                    .load(workspaceId, profileId)
                    .chain(
                        profile ->
                            mutation
                                .apply(profile)
                                .chain(
                                    changed -> {
                                      if (!changed) {
                                        return Uni.createFrom().item(profile);
                                      }
                                      return store
                                          .save(profile)
                                          .map(
                                              saved -> {
                                                if (!saved) {
                                                  throw new Conflict();
                                                }
                                                return profile;
                                              });
                                    })))
        .onFailure(Conflict.class)
        .retry()
        .atMost(MAX_ATTEMPTS)
        .call(
            profile -> {
              if (profile.outbox.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              long start = System.nanoTime();
              return flush(profile)
                  .invoke(
                      () ->
                          metrics
                              .timer("cdp.profile.outbox.flush")
                              .record(
                                  System.nanoTime() - start,
                                  java.util.concurrent.TimeUnit.NANOSECONDS));
            });
  }

  /**
   * Carries out the outbox: audit records and identifier index entries are written before the
   * caller goes on (reads see them at once); the ProfileChanged is sent without waiting for the
   * broker's ack, and the outbox is cleared when the ack arrives. If the ack never comes (crash,
   * broker down), the outbox stays in the document and {@link OutboxRelay} sends it again.
   */
  private Uni<Void> flush(Profile profile) {
    Profile.Outbox out = profile.outbox;
    String ws = profile.workspaceId;
    List<Document> auditDocs = new ArrayList<>();
    out.audit.forEach(a -> auditDocs.add(documents.auditDocument(ws, profile.profileId, a)));
    Uni<Void> indexed =
        out.deleted
            ? Uni.createFrom().voidItem()
            : identifiers.assign(ws, profile.profileId, out.identifiers);
    ProfileChanged message = out.changedFields.isEmpty() && !out.deleted ? null : changed(profile);
    long version = profile.version;
    boolean storeWork = !auditDocs.isEmpty() || (!out.deleted && !out.identifiers.isEmpty());
    return audit
        .record(auditDocs)
        .chain(() -> indexed)
        .chain(
            () ->
                storeWork && message != null
                    ? store.clearOutboxStoreWork(ws, profile.profileId, version)
                    : Uni.createFrom().voidItem())
        .chain(
            () -> {
              if (message == null) {
                return store.clearOutbox(ws, profile.profileId, version);
              }
              publisher
                  .profileChanged(message)
                  .chain(() -> store.clearOutbox(ws, profile.profileId, version))
                  .subscribe()
                  .with(
                      ok -> {},
                      failure ->
                          Log.warnf(
                              "ProfileChanged not acknowledged (%s); the outbox relay resends it",
                              failure.getClass().getSimpleName()));
              return Uni.createFrom().voidItem();
            })
        .invoke(out::clear);
  }

  ProfileChanged changed(Profile profile) {
    Profile.Outbox out = profile.outbox;
    List<Identifier> ids = new ArrayList<>();
    profile.identifiers.values().forEach(i -> ids.add(i.toIdentifier()));
    return new ProfileChanged(
        profile.workspaceId,
        profile.profileId,
        profile.version,
        List.copyOf(out.changedFields),
        out.deleted ? java.util.Map.of() : profile.traitValues(),
        out.deleted ? java.util.Map.of() : ProfileDocuments.plain(profile.computed),
        out.deleted ? java.util.Map.of() : profile.consentValues(),
        out.deleted ? List.of() : ids,
        out.causingEventKey,
        clock.instant(),
        out.deleted);
  }
}
