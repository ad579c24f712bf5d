package org.opencdp.testsupport.nativecheck.contracts;

import java.util.List;
import java.util.Map;

/** A stand-in contract record: its components carry further contract types. */
public record Envelope(String id, Kind kind, List<Tag> tags, Map<String, Tag[]> byName) {
  public enum Kind {
    A,
    B
  }
}
