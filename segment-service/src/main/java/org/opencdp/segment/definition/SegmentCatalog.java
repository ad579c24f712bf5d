package org.opencdp.segment.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.segment.condition.ConditionParser;
import org.opencdp.segment.config.SegmentConfig;

/**
 * The compiled active segments per workspace, cached in memory: invalidated at once by writes of
 * this instance and re-read after {@code cdp.segment.catalog.refresh-interval} (writes of other
 * instances). Must be called inside a Hibernate Reactive session.
 */
@ApplicationScoped
public class SegmentCatalog {
  private record Entry(WorkspaceSegments segments, long loadedAt) {}

  private final SegmentRepository repository;
  private final ObjectMapper json;
  private final long refreshMillis;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  public SegmentCatalog(SegmentRepository repository, ObjectMapper json, SegmentConfig config) {
    this.repository = repository;
    this.json = json;
    this.refreshMillis = config.catalog().refreshInterval().toMillis();
  }

  public Uni<WorkspaceSegments> of(String workspaceId) {
    Entry entry = cache.get(workspaceId);
    if (entry != null && System.currentTimeMillis() - entry.loadedAt() < refreshMillis) {
      return Uni.createFrom().item(entry.segments());
    }
    return repository
        .ofWorkspace(workspaceId)
        .map(
            rows -> {
              WorkspaceSegments segments = compile(rows);
              cache.put(workspaceId, new Entry(segments, System.currentTimeMillis()));
              return segments;
            });
  }

  /** Workspaces seen by this instance (for the segment-size gauges). */
  public Set<String> knownWorkspaces() {
    return Set.copyOf(cache.keySet());
  }

  public WorkspaceSegments cached(String workspaceId) {
    Entry entry = cache.get(workspaceId);
    return entry == null ? WorkspaceSegments.EMPTY : entry.segments();
  }

  public void invalidate(String workspaceId) {
    cache.remove(workspaceId);
  }

  private WorkspaceSegments compile(List<SegmentEntity> rows) {
    List<CompiledSegment> compiled = new ArrayList<>();
    for (SegmentEntity row : rows) {
      if (row.deleting) {
        continue;
      }
      try {
        compiled.add(compile(row));
      } catch (RuntimeException e) {
        // validated on write; a row that no longer parses is skipped, never fatal
        Log.errorf("segment %s cannot be compiled: %s", row.key, e.getClass().getSimpleName());
      }
    }
    return new WorkspaceSegments(compiled);
  }

  public CompiledSegment compile(SegmentEntity row) {
    try {
      return CompiledSegment.of(
          row.workspaceId,
          row.segmentId,
          row.name,
          row.version,
          ConditionParser.parse(json.readTree(row.condition)).condition());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored condition is not JSON", e);
    }
  }
}
