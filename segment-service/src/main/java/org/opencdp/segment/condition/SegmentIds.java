package org.opencdp.segment.condition;

import java.util.regex.Pattern;

/** Segment ids are slugs chosen by the workspace: lower-case letters, digits, '-' and '_'. */
public final class SegmentIds {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private SegmentIds() {}

  public static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
