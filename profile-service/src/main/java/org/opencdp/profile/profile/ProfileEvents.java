package org.opencdp.profile.profile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.profile.computed.ComputedTraitStore;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.messaging.PoisonMessage;
import org.opencdp.profile.timeline.RetentionSettings;
import org.opencdp.profile.timeline.TimelineStore;

/**
 * Applies one resolved event: record it on the timeline (dedup by event key), fold it into the
 * profile (dedup again inside the document, so a redelivery after a crash is a no-op), then mark it
 * applied. Events for a merged profile go to its survivor; events for a suppressed profile are
 * dropped.
 */
@ApplicationScoped
public class ProfileEvents {
  private static final int MAX_REDIRECTS = 8;

  private final TimelineStore timeline;
  private final ProfileWriter writer;
  private final ComputedTraitStore computedTraits;
  private final IdentifierExtractor identifierExtractor;
  private final PayloadCodec payloads;
  private final Clock clock;
  private final int dedupWindow;
  private final MeterRegistry metrics;
  private final ErasureTombstones tombstones;
  private final ProfileErasure erasure;
  private final RetentionSettings retention;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

  ProfileEvents(
      TimelineStore timeline,
      ProfileWriter writer,
      ComputedTraitStore computedTraits,
      IdentifierExtractor identifierExtractor,
      PayloadCodec payloads,
      Clock clock,
      ProfileConfig config,
      MeterRegistry metrics,
      ErasureTombstones tombstones,
      ProfileErasure erasure,
      RetentionSettings retention) {
    this.retention = retention;
    this.tombstones = tombstones;
    this.erasure = erasure;
    this.timeline = timeline;
    this.writer = writer;
    this.computedTraits = computedTraits;
    this.identifierExtractor = identifierExtractor;
    this.payloads = payloads;
    this.clock = clock;
    this.dedupWindow = config.consumer().dedupWindow();
    this.metrics = metrics;
  }

  /** Raised inside a mutation when the target profile was merged away. */
  static final class Redirect extends RuntimeException {
    final String survivorId;

    Redirect(String survivorId) {
      super("merged", null, false, false);
      this.survivorId = survivorId;
    }
  }

  /** A readable resolved event, with what every path needs computed once. */
  public record Parsed(
      EventEnvelope event,
      String key,
      Instant at,
      String name,
      List<KnownIdentifier> identifiers,
      String stored) {
    public String partitionKey() {
      return event.workspaceId() + ":" + event.profileId();
    }
  }

  /** Reads and checks one resolved event; a {@link PoisonMessage} if it cannot be applied. */
  public Parsed parse(String json) {
    PayloadCodec.Incoming incoming;
    try {
      incoming = payloads.incoming(json);
    } catch (RuntimeException e) {
      throw new PoisonMessage("unreadable event JSON");
    }
    EventEnvelope event = incoming.event();
    if (blank(event.workspaceId()) || blank(event.messageId()) || blank(event.profileId())) {
      throw new PoisonMessage("resolved event without workspaceId, messageId or profileId");
    }
    if (event.type() == null) {
      throw new PoisonMessage("event without type");
    }
    Instant at = ProfileApplier.eventTime(event, clock.instant()).truncatedTo(ChronoUnit.MILLIS);
    String name =
        event.type() == org.opencdp.contracts.EventType.TRACK ? event.event() : event.name();
    return new Parsed(
        event,
        event.eventKey(),
        at,
        name,
        identifierExtractor.of(event),
        payloads.stored(incoming));
  }

  public Uni<Void> apply(String json) {
    return apply(parse(json));
  }

  /**
   * Applies one event on its own (the batch consumer uses this for the profiles it does not handle
   * in bulk: merged, suppressed, lost races).
   */
  public Uni<Void> apply(Parsed parsed) {
    EventEnvelope event = parsed.event();
    long started = System.nanoTime();
    return tombstones
        .isErased(event.workspaceId(), event.profileId())
        .chain(
            erased -> {
              if (erased) {
                count("erased"); // the person was erased: nothing of this event is stored
                return Uni.createFrom().voidItem();
              }
              return record(
                  event,
                  parsed.key(),
                  parsed.at(),
                  parsed.name(),
                  parsed.identifiers(),
                  parsed.stored());
            })
        .invoke(
            () ->
                metrics
                    .timer("cdp.profile.event.apply")
                    .record(
                        System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  private Uni<Void> record(
      EventEnvelope event,
      String key,
      Instant at,
      String name,
      List<KnownIdentifier> identifiers,
      String stored) {
    EventEnvelope resolved = event;
    return retention
        .forWorkspace(event.workspaceId())
        .chain(
            kept ->
                timeline.record(
                    key,
                    event.workspaceId(),
                    event.profileId(),
                    event.type().wireName(),
                    name,
                    at,
                    identifiers.stream().map(KnownIdentifier::hash).toList(),
                    stored,
                    at.plus(kept.duration())))
        .chain(
            state -> {
              if (state == TimelineStore.State.APPLIED) {
                count("duplicate");
                return Uni.createFrom().voidItem();
              }
              return computedTraits
                  .forWorkspace(resolved.workspaceId())
                  .chain(
                      definitions ->
                          applyTo(
                              resolved.profileId(), resolved, key, at, identifiers, definitions, 0))
                  .chain(
                      profile -> {
                        if (profile.suppressed) {
                          count("suppressed");
                          return timeline.delete(key);
                        }
                        count("applied");
                        return timeline
                            .markApplied(key, profile.profileId)
                            .chain(() -> eraseIfErasedMeanwhile(profile));
                      });
            });
  }

  /**
   * Closes the race with a concurrent erase: the tombstone is written before the erase deletes, and
   * checked here after this event created the profile. Either the erase's deletes saw what this
   * event wrote, or this check sees the tombstone and erases again.
   */
  Uni<Void> eraseIfErasedMeanwhile(Profile profile) {
    if (profile.version != 1) {
      return Uni.createFrom().voidItem();
    }
    return tombstones
        .isErased(profile.workspaceId, profile.profileId)
        .chain(
            erased ->
                erased
                    ? erasure.erase(profile.workspaceId, profile.profileId)
                    : Uni.createFrom().voidItem());
  }

  private Uni<Profile> applyTo(
      String profileId,
      EventEnvelope event,
      String key,
      Instant at,
      List<KnownIdentifier> identifiers,
      List<org.opencdp.profile.computed.ComputedTraitDefinition> definitions,
      int hops) {
    return writer
        .mutate(
            event.workspaceId(),
            profileId,
            profile -> {
              if (profile.status == Profile.Status.MERGED) {
                throw new Redirect(profile.mergedInto);
              }
              if (profile.suppressed || profile.recentEventKeys.contains(key)) {
                return Uni.createFrom().item(false);
              }
              ProfileApplier.apply(
                  profile, event, key, at, identifiers, definitions, clock.instant(), true);
              remember(profile, key);
              return Uni.createFrom().item(true);
            })
        .onFailure(Redirect.class)
        .recoverWithUni(
            failure -> {
              if (hops >= MAX_REDIRECTS) {
                return Uni.createFrom().failure(new PoisonMessage("merge redirect loop"));
              }
              return applyTo(
                  ((Redirect) failure).survivorId,
                  event,
                  key,
                  at,
                  identifiers,
                  definitions,
                  hops + 1);
            });
  }

  void remember(Profile profile, String key) {
    remember(profile, key, dedupWindow);
  }

  /**
   * Remembers at least the last {@code keep} keys: a batch remembers all of its own, so a
   * redelivered batch after a crash before the applied marks cannot fold any of them twice.
   */
  void remember(Profile profile, String key, int keep) {
    profile.recentEventKeys.add(key);
    Iterator<String> oldest = profile.recentEventKeys.iterator();
    while (profile.recentEventKeys.size() > Math.max(keep, dedupWindow) && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  void count(String outcome) {
    // looked up once per outcome: the registry's lookup builds the meter id and tags every time
    Counter counter = outcomes.get(outcome);
    if (counter == null) {
      counter = metrics.counter("cdp.profile.events", "outcome", outcome);
      outcomes.putIfAbsent(outcome, counter);
    }
    counter.increment();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
