package org.opencdp.segment.definition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The active segments of one workspace in evaluation order (a segment after every segment it
 * references) with the dependency index: changed field name -> segments to re-evaluate.
 */
public final class WorkspaceSegments {
  private final List<CompiledSegment> ordered;
  private final Map<String, CompiledSegment> byId;
  private final Map<String, Set<String>> byField = new HashMap<>();
  private final Map<String, Set<String>> referencedBy = new HashMap<>();
  private final Map<String, Integer> position = new HashMap<>();

  public WorkspaceSegments(Collection<CompiledSegment> segments) {
    this.ordered = order(segments);
    Map<String, CompiledSegment> ids = new LinkedHashMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      CompiledSegment s = ordered.get(i);
      ids.put(s.id(), s);
      position.put(s.id(), i);
      for (String dep : s.dependencies()) {
        byField.computeIfAbsent(dep, d -> new HashSet<>()).add(s.id());
      }
      for (String ref : s.references()) {
        referencedBy.computeIfAbsent(ref, r -> new HashSet<>()).add(s.id());
      }
    }
    this.byId = ids;
  }

  public static final WorkspaceSegments EMPTY = new WorkspaceSegments(List.of());

  public List<CompiledSegment> all() {
    return ordered;
  }

  public Optional<CompiledSegment> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int size() {
    return ordered.size();
  }

  /** Whether any segment reads {@code field}: {@code affectedBy} of it is not empty. */
  public boolean reads(String field) {
    return byField.containsKey(field);
  }

  /**
   * Segments whose answer may change when {@code changedFields} change: those that read one of the
   * fields, plus (transitively) the segments that reference them, in evaluation order.
   */
  public List<CompiledSegment> affectedBy(Collection<String> changedFields) {
    Set<String> ids = new HashSet<>();
    for (String field : changedFields) {
      ids.addAll(byField.getOrDefault(field, Set.of()));
    }
    return withDependents(ids);
  }

  /** {@code ids} plus the segments referencing them (transitively), in evaluation order. */
  public List<CompiledSegment> withDependents(Collection<String> ids) {
    Set<String> closure = new HashSet<>();
    List<String> queue = new ArrayList<>(ids);
    while (!queue.isEmpty()) {
      String id = queue.remove(queue.size() - 1);
      if (byId.containsKey(id) && closure.add(id)) {
        queue.addAll(referencedBy.getOrDefault(id, Set.of()));
      }
    }
    List<CompiledSegment> result = new ArrayList<>(closure.size());
    for (String id : closure) {
      result.add(byId.get(id));
    }
    result.sort((a, b) -> Integer.compare(position.get(a.id()), position.get(b.id())));
    return result;
  }

  /** Segment ids that (transitively) reference {@code id}. */
  public Set<String> dependentsOf(String id) {
    Set<String> result = new HashSet<>();
    for (CompiledSegment s : withDependents(List.of(id))) {
      result.add(s.id());
    }
    result.remove(id);
    return result;
  }

  /**
   * Topological order by references; a reference to an unknown segment is ignored (validation
   * prevents them), a cycle keeps the remaining segments in id order (validation prevents them).
   */
  private static List<CompiledSegment> order(Collection<CompiledSegment> segments) {
    Map<String, CompiledSegment> pending = new java.util.TreeMap<>();
    segments.forEach(s -> pending.put(s.id(), s));
    List<CompiledSegment> result = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (!pending.isEmpty()) {
      boolean progressed = false;
      for (var it = pending.values().iterator(); it.hasNext(); ) {
        CompiledSegment s = it.next();
        boolean ready =
            s.references().stream().allMatch(r -> done.contains(r) || !containsId(segments, r));
        if (ready) {
          result.add(s);
          done.add(s.id());
          it.remove();
          progressed = true;
        }
      }
      if (!progressed) {
        result.addAll(pending.values());
        break;
      }
    }
    return List.copyOf(result);
  }

  private static boolean containsId(Collection<CompiledSegment> segments, String id) {
    for (CompiledSegment s : segments) {
      if (s.id().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
