package org.opencdp.identity.messaging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the resolved event's JSON from the raw record's bytes: the raw object with {@code
 * "profileId":"..."} added before its closing brace. Resolution adds nothing else to an event, so
 * the record is forwarded instead of being serialised again (parsing it once is all the consumer
 * needs; re-serialising every event cost as much again).
 *
 * <p>Only for a raw record the consumer parsed as one JSON object with nothing after it (its reader
 * fails on trailing tokens). Returns {@code null} (the caller then serialises the event) when the
 * raw record names a {@code profileId} already, so the result never holds the key twice.
 */
final class ResolvedEventJson {
  private static final byte[] PROFILE_KEY = "\"profileId\"".getBytes(StandardCharsets.UTF_8);

  private ResolvedEventJson() {}

  static byte[] withProfileId(byte[] raw, String profileId) {
    if (raw == null || contains(raw, PROFILE_KEY)) {
      return null;
    }
    int close = lastNonWhitespace(raw, raw.length - 1);
    if (close < 0 || raw[close] != '}') {
      return null;
    }
    int before = lastNonWhitespace(raw, close - 1);
    if (before < 0) {
      return null;
    }
    boolean empty = raw[before] == '{';
    byte[] id = JsonStringEncoder.getInstance().quoteAsUTF8(profileId);
    byte[] prefix =
        (empty ? "\"profileId\":\"" : ",\"profileId\":\"").getBytes(StandardCharsets.UTF_8);
    byte[] result = new byte[close + prefix.length + id.length + 2];
    System.arraycopy(raw, 0, result, 0, close);
    int at = close;
    System.arraycopy(prefix, 0, result, at, prefix.length);
    at += prefix.length;
    System.arraycopy(id, 0, result, at, id.length);
    at += id.length;
    result[at++] = '"';
    result[at] = '}';
    return result;
  }

  private static int lastNonWhitespace(byte[] bytes, int from) {
    int i = from;
    while (i >= 0
        && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
      i--;
    }
    return i;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
