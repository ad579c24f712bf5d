package org.opencdp.profile.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.Document;

/**
 * The update that turns a stored profile document into a new one: {@code $set} of what changed,
 * {@code $unset} of what is gone, instead of the whole document. A track event changes a handful of
 * fields (version, last seen, count, recent keys, a computed bucket) of a document that holds every
 * trait, identifier and bucket; the driver then encodes, and MongoDB logs in its oplog, only those.
 *
 * <p>Only valid when the stored document is the one the diff starts from: the caller writes under
 * the {@code {_id, version}} filter of the version it read. Writers that change a document without
 * moving its version only remove parts (the outbox once its work is done, the retention job's redo
 * keys); a field the diff leaves alone keeps such a removal, which is what a whole-document replace
 * would have done too unless it still carried the removed part.
 *
 * <p>Sub-documents are compared field by field down to {@link #MAX_DEPTH} levels (traits, consent,
 * computed-trait buckets per name), through dotted paths: their keys are the service's own names or
 * escaped user keys ({@link BsonValues#escapeKey}), never containing '.' or starting with '$'; a
 * key that would (or an empty one) makes the diff set its parent whole.
 */
final class DocumentDiff {
  /** Path depth of the deepest field set on its own ({@code computedStates.<name>.<day>}). */
  static final int MAX_DEPTH = 3;

  /**
   * Arrays that only ever grow at the end and lose their oldest elements, and that nothing changes
   * without moving the version: appended with {@code $push/$each/$slice} instead of written whole.
   */
  private static final Set<String> APPEND_ONLY = Set.of("recent");

  private DocumentDiff() {}

  /** The update document ({@code $set}, {@code $unset}, {@code $push}); never empty. */
  static Document update(Document stored, Document next) {
    Document set = new Document();
    Document unset = new Document();
    Document push = new Document();
    diff("", 1, stored, next, set, unset, push);
    Document update = new Document();
    if (!set.isEmpty()) {
      update.put("$set", set);
    }
    if (!unset.isEmpty()) {
      update.put("$unset", unset);
    }
    if (!push.isEmpty()) {
      update.put("$push", push);
    }
    if (update.isEmpty()) {
      // nothing changed at all: still a valid update that matches under the version filter
      update.put("$set", new Document("version", next.get("version")));
    }
    return update;
  }

  private static void diff(
      String prefix,
      int depth,
      Document stored,
      Document next,
      Document set,
      Document unset,
      Document push) {
    for (Map.Entry<String, Object> e : next.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (!stored.containsKey(key)) {
        set.put(prefix + key, value);
        continue;
      }
      Object old = stored.get(key);
      if (Objects.equals(value, old)) {
        continue; // most fields: no path built for them
      }
      String path = prefix + key;
      if (depth < MAX_DEPTH
          && old instanceof Document oldDoc
          && value instanceof Document newDoc
          && safeKeys(newDoc)
          && safeKeys(oldDoc)) {
        diff(path + ".", depth + 1, oldDoc, newDoc, set, unset, push);
      } else if (depth == 1
          && APPEND_ONLY.contains(key)
          && old instanceof List<?> oldList
          && value instanceof List<?> newList
          && appended(oldList, newList) != null) {
        push.put(
            path,
            new Document("$each", appended(oldList, newList)).append("$slice", -newList.size()));
      } else {
        set.put(path, value);
      }
    }
    for (String key : stored.keySet()) {
      if (!next.containsKey(key)) {
        unset.put(prefix + key, "");
      }
    }
  }

  /**
   * The elements to append to {@code old} so that its last {@code next.size()} elements are {@code
   * next}, when they are fewer than {@code next} and more than none (else null: set it whole). The
   * longest suffix of {@code old} that starts {@code next} is kept.
   */
  static List<Object> appended(List<?> old, List<?> next) {
    for (int from = Math.max(0, old.size() - next.size()); from < old.size(); from++) {
      int kept = old.size() - from;
      if (old.subList(from, old.size()).equals(next.subList(0, kept))) {
        return kept == next.size() ? null : new ArrayList<>(next.subList(kept, next.size()));
      }
    }
    return null;
  }

  private static boolean safeKeys(Document doc) {
    for (String key : doc.keySet()) {
      if (key.isEmpty() || key.indexOf('.') >= 0 || key.charAt(0) == '$') {
        return false;
      }
    }
    return true;
  }
}
