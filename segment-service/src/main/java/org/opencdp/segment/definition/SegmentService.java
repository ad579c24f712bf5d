package org.opencdp.segment.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.security.problem.ProblemException;
import org.opencdp.segment.condition.Condition;
import org.opencdp.segment.condition.ConditionError;
import org.opencdp.segment.condition.ConditionParser;
import org.opencdp.segment.condition.InvalidConditionException;
import org.opencdp.segment.condition.SegmentIds;
import org.opencdp.segment.job.JobEntity;
import org.opencdp.segment.job.JobRepository;
import org.opencdp.segment.job.JobRunner;

/**
 * Segment definitions: validation (condition language, references, cycles), storage, and the jobs
 * that follow a write (backfill after create/update, exit-everyone after delete).
 */
@ApplicationScoped
public class SegmentService {
  private final SegmentRepository segments;
  private final SegmentCatalog catalog;
  private final JobRepository jobs;
  private final JobRunner runner;
  private final ObjectMapper json;
  private final Clock clock;

  public SegmentService(
      SegmentRepository segments,
      SegmentCatalog catalog,
      JobRepository jobs,
      JobRunner runner,
      ObjectMapper json,
      Clock clock) {
    this.segments = segments;
    this.catalog = catalog;
    this.jobs = jobs;
    this.runner = runner;
    this.json = json;
    this.clock = clock;
  }

  /** A stored segment and the job its write started. */
  public record Written(SegmentEntity segment, JobEntity job) {}

  public Uni<Written> create(
      String workspaceId, String id, String name, String description, JsonNode condition) {
    if (!SegmentIds.valid(id)) {
      throw ProblemException.badRequest(
          "'id' is required: 1-64 characters, lower-case letters, digits, '-' and '_'");
    }
    checkText(name, description);
    return Panache.withTransaction(
            () ->
                segments
                    .find(workspaceId, id)
                    .chain(
                        existing -> {
                          if (existing != null) {
                            throw ProblemException.conflict(
                                "segment '" + id + "' already exists; PUT it to change it");
                          }
                          return validate(workspaceId, id, condition);
                        })
                    .chain(
                        text -> {
                          SegmentEntity row = new SegmentEntity();
                          row.key = SegmentEntity.key(workspaceId, id);
                          row.workspaceId = workspaceId;
                          row.segmentId = id;
                          row.name = name.trim();
                          row.description = description;
                          row.condition = text;
                          row.version = 1;
                          row.createdAt = clock.instant();
                          row.updatedAt = row.createdAt;
                          JobEntity job =
                              runner.newJob(workspaceId, JobEntity.Kind.BACKFILL, id, 1);
                          return segments
                              .persist(row)
                              .chain(() -> jobs.persist(job))
                              .replaceWith(new Written(row, job));
                        }))
        .invoke(written -> started(workspaceId, written));
  }

  public Uni<Written> update(
      String workspaceId, String id, String name, String description, JsonNode condition) {
    checkText(name, description);
    return Panache.withTransaction(
            () ->
                existing(workspaceId, id)
                    .chain(
                        row ->
                            validate(workspaceId, id, condition)
                                .chain(
                                    text -> {
                                      row.name = name.trim();
                                      row.description = description;
                                      row.condition = text;
                                      row.version++;
                                      row.updatedAt = clock.instant();
                                      JobEntity job =
                                          runner.newJob(
                                              workspaceId,
                                              JobEntity.Kind.BACKFILL,
                                              id,
                                              row.version);
                                      return jobs.persist(job).replaceWith(new Written(row, job));
                                    })))
        .invoke(written -> started(workspaceId, written));
  }

  public Uni<Written> delete(String workspaceId, String id) {
    return Panache.withTransaction(
            () ->
                existing(workspaceId, id)
                    .chain(
                        row ->
                            catalog
                                .of(workspaceId)
                                .chain(
                                    active -> {
                                      Set<String> dependents = active.dependentsOf(id);
                                      if (!dependents.isEmpty()) {
                                        throw ProblemException.conflict(
                                            "segment '"
                                                + id
                                                + "' is used by "
                                                + String.join(", ", dependents)
                                                + "; change those first");
                                      }
                                      row.deleting = true;
                                      row.updatedAt = clock.instant();
                                      JobEntity job =
                                          runner.newJob(
                                              workspaceId, JobEntity.Kind.DELETE, id, row.version);
                                      return jobs.persist(job).replaceWith(new Written(row, job));
                                    })))
        .invoke(written -> started(workspaceId, written));
  }

  public Uni<List<SegmentEntity>> list(String workspaceId) {
    return Panache.withSession(() -> segments.ofWorkspace(workspaceId));
  }

  public Uni<SegmentEntity> get(String workspaceId, String id) {
    return Panache.withSession(() -> existing(workspaceId, id));
  }

  /** Parses a condition for a preview (references must exist). */
  public Uni<Condition> parseForPreview(String workspaceId, JsonNode condition) {
    return Panache.withSession(() -> validate(workspaceId, null, condition))
        .map(text -> catalogCompile(text));
  }

  private Condition catalogCompile(String text) {
    try {
      return ConditionParser.parse(json.readTree(text)).condition();
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("the condition is not valid JSON");
    }
  }

  private void started(String workspaceId, Written written) {
    catalog.invalidate(workspaceId);
    runner.launch(written.job().id);
  }

  private Uni<SegmentEntity> existing(String workspaceId, String id) {
    return segments
        .find(workspaceId, id)
        .map(
            row -> {
              if (row == null || row.deleting) {
                throw ProblemException.notFound("no segment '" + id + "' in this workspace");
              }
              return row;
            });
  }

  private static void checkText(String name, String description) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ProblemException.badRequest("'name' is required (1-200 characters)");
    }
    if (description != null && description.length() > 2000) {
      throw ProblemException.badRequest("'description' is at most 2000 characters");
    }
  }

  /**
   * Validates the condition, its references (existing, not itself, no cycle) and returns its
   * canonical JSON text.
   */
  private Uni<String> validate(String workspaceId, String segmentId, JsonNode condition) {
    if (condition == null || condition.isNull()) {
      throw new InvalidConditionException(
          List.of(new ConditionError("$", "'condition' is required")));
    }
    ConditionParser.Parsed parsed = ConditionParser.parse(condition);
    if (parsed.segmentReferences().isEmpty()) {
      return Uni.createFrom().item(condition.toString());
    }
    return catalog
        .of(workspaceId)
        .map(
            active -> {
              List<ConditionError> errors = new ArrayList<>();
              for (Map.Entry<String, String> ref : parsed.segmentReferences().entrySet()) {
                String target = ref.getKey();
                if (target.equals(segmentId)) {
                  errors.add(new ConditionError(ref.getValue(), "a segment cannot contain itself"));
                } else if (active.get(target).isEmpty()) {
                  errors.add(
                      new ConditionError(
                          ref.getValue(),
                          "there is no segment '" + target + "' in this workspace"));
                } else if (segmentId != null && reaches(active, target, segmentId)) {
                  errors.add(
                      new ConditionError(
                          ref.getValue(),
                          "segment '"
                              + target
                              + "' already depends on '"
                              + segmentId
                              + "': this would be a cycle"));
                }
              }
              if (!errors.isEmpty()) {
                throw new InvalidConditionException(errors);
              }
              return condition.toString();
            });
  }

  /** True when segment {@code from} (transitively) references {@code to}. */
  private static boolean reaches(WorkspaceSegments active, String from, String to) {
    Deque<String> queue = new ArrayDeque<>(List.of(from));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String id = queue.pop();
      if (id.equals(to)) {
        return true;
      }
      if (seen.add(id)) {
        active.get(id).ifPresent(s -> queue.addAll(s.references()));
      }
    }
    return false;
  }
}
