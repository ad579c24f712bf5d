package org.opencdp.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** The six Segment spec calls. */
public enum EventType {
  IDENTIFY,
  TRACK,
  PAGE,
  SCREEN,
  GROUP,
  ALIAS;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static EventType fromWireName(String value) {
    return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown type " + value));
  }

  /** Lenient parse of the {@code type} field or the path segment of a single-call endpoint. */
  public static Optional<EventType> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "identify", "i" -> Optional.of(IDENTIFY);
      case "track", "t" -> Optional.of(TRACK);
      case "page", "p" -> Optional.of(PAGE);
      case "screen", "s" -> Optional.of(SCREEN);
      case "group", "g" -> Optional.of(GROUP);
      case "alias", "a" -> Optional.of(ALIAS);
      default -> Optional.empty();
    };
  }
}
