package org.opencdp.activation.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import org.opencdp.activation.config.ActivationConfig;

/**
 * Quiet hours in the profile's time zone (trait {@code timezone}, an IANA zone or an offset): a
 * message due inside them is deferred to their end. Profiles without a known zone use the
 * configured default zone, or have no quiet hours when none is configured.
 */
@ApplicationScoped
public class QuietHours {
  private final LocalTime start;
  private final LocalTime end;
  private final Optional<ZoneId> defaultZone;

  @jakarta.inject.Inject
  QuietHours(ActivationConfig config) {
    this(
        config.quietHours().start(),
        config.quietHours().end(),
        config.quietHours().defaultZone().map(ZoneId::of));
  }

  QuietHours(LocalTime start, LocalTime end, Optional<ZoneId> defaultZone) {
    this.start = start;
    this.end = end;
    this.defaultZone = defaultZone;
  }

  /** {@code now} when sending is allowed, else the end of the quiet hours. */
  public Instant nextAllowed(Instant now, Map<String, Object> traits) {
    Optional<ZoneId> zone = zone(traits).or(() -> defaultZone);
    if (zone.isEmpty() || start.equals(end)) {
      return now;
    }
    ZonedDateTime local = now.atZone(zone.get());
    LocalTime time = local.toLocalTime();
    boolean quiet =
        start.isBefore(end)
            ? !time.isBefore(start) && time.isBefore(end)
            : !time.isBefore(start) || time.isBefore(end);
    if (!quiet) {
      return now;
    }
    ZonedDateTime resume = local.with(end).withSecond(0).withNano(0);
    if (!resume.isAfter(local)) {
      resume = resume.plusDays(1);
    }
    return resume.toInstant();
  }

  static Optional<ZoneId> zone(Map<String, Object> traits) {
    Object value = traits.get("timezone");
    if (value instanceof String s && !s.isBlank()) {
      try {
        return Optional.of(ZoneId.of(s.trim()));
      } catch (DateTimeException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
