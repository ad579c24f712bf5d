package org.opencdp.identity.service.resolution;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.config.IdentityConfig;

/**
 * Finds every identifier of an event: {@code userId}, {@code anonymousId}, {@code email} and {@code
 * phone} in {@code traits} and {@code context.traits}, {@code context.externalIds[]} ({@code
 * collection} "users" or absent), {@code context.device.id}, the custom trait keys the workspace
 * declares, and the {@code previousId} of an alias call.
 */
@ApplicationScoped
public class IdentifierExtractor {
  private static final Pattern TYPE_CHARS = Pattern.compile("[^a-z0-9_]");
  private static final Pattern PHONE_NOISE = Pattern.compile("[\\s\\-().]");

  private final int maxValueLength;
  private final int maxIdentifiers;

  public IdentifierExtractor(IdentityConfig config) {
    this.maxValueLength = config.maxValueLength();
    this.maxIdentifiers = config.maxIdentifiersPerEvent();
  }

  public Extraction extract(EventEnvelope event, RuleSet rules) {
    Set<Identifier> found = new LinkedHashSet<>();
    List<Rejected> rejected = new ArrayList<>();
    add(found, rejected, rules, Identifier.USER_ID, event.userId());
    add(found, rejected, rules, Identifier.ANONYMOUS_ID, event.anonymousId());
    Map<?, ?> contextTraits = map(event.context(), "traits");
    for (Map<?, ?> traits : new Map<?, ?>[] {event.traits(), contextTraits}) {
      add(found, rejected, rules, Identifier.EMAIL, value(traits, "email"));
      add(found, rejected, rules, Identifier.PHONE, value(traits, "phone"));
      for (TypeRule rule : rules.types().values()) {
        if (rule.traitKey() != null) {
          add(found, rejected, rules, rule.type(), value(traits, rule.traitKey()));
        }
      }
    }
    if (event.context() != null && event.context().get("externalIds") instanceof List<?> ids) {
      for (Object entry : ids) {
        if (entry instanceof Map<?, ?> external && isUserCollection(external.get("collection"))) {
          String type = externalType(value(external, "type"));
          if (type != null) {
            add(found, rejected, rules, type, value(external, "id"));
          }
        }
      }
    }
    add(found, rejected, rules, Identifier.DEVICE_ID, value(map(event.context(), "device"), "id"));

    String aliasPrevious = null;
    if (event.type() == EventType.ALIAS && event.previousId() != null) {
      String previous = event.previousId().trim();
      Identifier asUser = new Identifier(Identifier.USER_ID, previous);
      if (previous.isEmpty()) {
        aliasPrevious = null;
      } else if (previous.length() > maxValueLength) {
        rejected.add(new Rejected(asUser, Rejected.INVALID, "value too long", null));
      } else if (rules.blockedBy(asUser).isPresent()
          || rules.blockedBy(new Identifier(Identifier.ANONYMOUS_ID, previous)).isPresent()) {
        rejected.add(new Rejected(asUser, Rejected.BLOCKED, "previousId is a blocked value", null));
      } else {
        aliasPrevious = previous;
      }
    }
    List<Identifier> candidates = new ArrayList<>(found);
    if (candidates.size() > maxIdentifiers) {
      candidates.sort(rules.resolutionOrder());
      for (Identifier dropped : candidates.subList(maxIdentifiers, candidates.size())) {
        rejected.add(
            new Rejected(
                dropped,
                Rejected.INVALID,
                "more than " + maxIdentifiers + " identifiers in one event",
                null));
      }
      candidates = new ArrayList<>(candidates.subList(0, maxIdentifiers));
    }
    return new Extraction(List.copyOf(candidates), rejected, aliasPrevious);
  }

  private void add(
      Set<Identifier> found, List<Rejected> rejected, RuleSet rules, String type, String raw) {
    if (raw == null) {
      return;
    }
    String value = normalise(type, raw);
    if (value.isEmpty()) {
      return;
    }
    Identifier identifier = new Identifier(type, value);
    if (found.contains(identifier)) {
      return;
    }
    if (value.length() > maxValueLength) {
      rejected.add(
          new Rejected(
              new Identifier(type, value.substring(0, 64)),
              Rejected.INVALID,
              "value longer than " + maxValueLength + " characters",
              null));
      return;
    }
    var blocked = rules.blockedBy(identifier);
    if (blocked.isPresent()) {
      rejected.add(
          new Rejected(
              identifier,
              Rejected.BLOCKED,
              "matches blocked pattern " + blocked.get().regex(),
              null));
      return;
    }
    found.add(identifier);
  }

  public static String normalise(String type, String raw) {
    String value = raw.trim();
    if (Identifier.EMAIL.equals(type)) {
      return value.toLowerCase(Locale.ROOT);
    }
    if (Identifier.PHONE.equals(type)) {
      return PHONE_NOISE.matcher(value).replaceAll("");
    }
    return value;
  }

  /** Maps an externalIds type to an identifier type; null when unusable. */
  static String externalType(String raw) {
    if (raw == null) {
      return null;
    }
    String type = TYPE_CHARS.matcher(raw.trim().toLowerCase(Locale.ROOT)).replaceAll("_");
    type =
        switch (type) {
          case "userid", "user_id" -> Identifier.USER_ID;
          case "anonymousid", "anonymous_id" -> Identifier.ANONYMOUS_ID;
          case "email", "email_address" -> Identifier.EMAIL;
          case "phone", "phone_number" -> Identifier.PHONE;
          case "deviceid", "device_id" -> Identifier.DEVICE_ID;
          default -> type;
        };
    return type.isEmpty() || type.length() > 64 ? null : type;
  }

  private static boolean isUserCollection(Object collection) {
    return collection == null || "users".equals(collection);
  }

  private static Map<?, ?> map(Map<?, ?> parent, String key) {
    return parent != null && parent.get(key) instanceof Map<?, ?> child ? child : null;
  }

  private static String value(Map<?, ?> parent, String key) {
    if (parent == null) {
      return null;
    }
    Object value = parent.get(key);
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Number number) {
      return number.toString();
    }
    return null;
  }
}
