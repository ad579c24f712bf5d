package org.opencdp.segment.definition;

import java.util.Set;
import org.opencdp.segment.condition.Condition;

/** A segment ready to evaluate: its condition and what the condition depends on. */
public record CompiledSegment(
    String workspaceId,
    String id,
    String name,
    long version,
    Condition condition,
    Set<String> dependencies,
    Set<String> references,
    boolean timeDependent) {

  public static CompiledSegment of(
      String workspaceId, String id, String name, long version, Condition condition) {
    Set<String> deps = new java.util.HashSet<>();
    condition.dependencies(deps);
    Set<String> refs = new java.util.HashSet<>();
    for (String dep : deps) {
      if (dep.startsWith(Condition.SEGMENT_PREFIX)) {
        refs.add(dep.substring(Condition.SEGMENT_PREFIX.length()));
      }
    }
    return new CompiledSegment(
        workspaceId,
        id,
        name,
        version,
        condition,
        Set.copyOf(deps),
        Set.copyOf(refs),
        condition.timeDependent());
  }
}
