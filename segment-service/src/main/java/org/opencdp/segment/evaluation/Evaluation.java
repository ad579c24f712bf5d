package org.opencdp.segment.evaluation;

import io.vertx.mutiny.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.segment.condition.Verdict;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.WorkspaceSegments;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeEntity;
import org.opencdp.segment.membership.Timers;
import org.opencdp.segment.profile.ProfileState;

/**
 * The work of one transaction: evaluates segments on profile states and collects what must follow
 * the commit (history/outbox rows to insert, Redis membership to sync, timers to set).
 */
public final class Evaluation {
  final Instant now;
  final List<MembershipChangeEntity> changes = new ArrayList<>();

  /** By workspace and profile: the last state synced wins (several inputs of one profile). */
  final Map<String, MembershipCache.Desired> desired = new LinkedHashMap<>();

  final List<Request> timers = new ArrayList<>();
  int evaluated;
  boolean rewriteCache;

  public Evaluation(Instant now) {
    this.now = now;
  }

  /**
   * Evaluates {@code segments} (in evaluation order) on {@code state}, updating its segment set and
   * recording the changes with {@code reason}.
   */
  public void evaluate(
      ProfileState state, List<CompiledSegment> segments, String reason, boolean cancelStale) {
    for (CompiledSegment segment : segments) {
      Verdict verdict = segment.condition().evaluate(state, now);
      evaluated++;
      set(state, segment, verdict.matches(), reason);
      Timers.Timer timer = new Timers.Timer(state.workspaceId, segment.id(), state.profileId);
      if (segment.timeDependent()) {
        Timers.plan(timers, timer, verdict.nextChange());
      } else if (cancelStale) {
        Timers.plan(timers, timer, null);
      }
    }
  }

  /** Forces {@code segment} membership of {@code state} (exits for deletions). */
  public void set(ProfileState state, CompiledSegment segment, boolean member, String reason) {
    boolean was = state.segments.contains(segment.id());
    if (member == was) {
      return;
    }
    if (member) {
      state.segments.add(segment.id());
    } else {
      state.segments.remove(segment.id());
    }
    changes.add(
        change(
            state,
            segment.id(),
            segment.name(),
            segment.version(),
            member ? Kind.ENTERED : Kind.EXITED,
            reason));
  }

  /** Exits every segment (profile erased or merged away) and cancels its timers. */
  public void exitAll(ProfileState state, WorkspaceSegments segments, String reason) {
    for (String id : List.copyOf(state.segments)) {
      CompiledSegment segment = segments.get(id).orElse(null);
      changes.add(
          change(
              state,
              id,
              segment == null ? id : segment.name(),
              segment == null ? 0 : segment.version(),
              Kind.EXITED,
              reason));
    }
    state.segments.clear();
    for (CompiledSegment segment : segments.all()) {
      if (segment.timeDependent()) {
        Timers.plan(
            timers, new Timers.Timer(state.workspaceId, segment.id(), state.profileId), null);
      }
    }
  }

  public void cancelTimer(String workspaceId, String segmentId, String profileId) {
    Timers.plan(timers, new Timers.Timer(workspaceId, segmentId, profileId), null);
  }

  /** Redis may be wrong (a rebuild): write every membership again, not only the difference. */
  public void rewriteCache() {
    rewriteCache = true;
  }

  /** Redis must reflect {@code state}'s membership (written before the commit, see Effects). */
  public void sync(ProfileState state) {
    desired.put(
        state.workspaceId + ":" + state.profileId,
        new MembershipCache.Desired(
            state.workspaceId, state.profileId, java.util.Set.copyOf(state.segments)));
  }

  private MembershipChangeEntity change(
      ProfileState state, String segmentId, String name, long version, Kind kind, String reason) {
    MembershipChangeEntity change = new MembershipChangeEntity();
    change.changeId = UUID.randomUUID().toString();
    change.workspaceId = state.workspaceId;
    change.profileId = state.profileId;
    change.segmentId = segmentId;
    change.segmentName = name;
    change.segmentVersion = version;
    change.kind = kind;
    change.reason = reason;
    change.occurredAt = now;
    change.recordedAt = Instant.now();
    return change;
  }

  public List<MembershipChangeEntity> changes() {
    return changes;
  }

  public int evaluatedCount() {
    return evaluated;
  }
}
