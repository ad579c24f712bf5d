package org.opencdp.profile.profile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** API representations (separate from the stored documents). */
public final class ProfileViews {
  private ProfileViews() {}

  public record ProfileView(
      String profileId,
      long version,
      Map<String, Object> traits,
      Map<String, Object> computedTraits,
      Map<String, Boolean> consent,
      List<IdentifierView> identifiers,
      Instant firstSeen,
      Instant lastSeen,
      long eventCount,
      boolean suppressed,
      List<String> mergedProfileIds,
      List<SegmentView> segments) {}

  public record SegmentView(String segmentId, String segmentName, Instant enteredAt) {}

  public record SegmentChangeView(
      String segmentId,
      String segmentName,
      long segmentVersion,
      String kind,
      String reason,
      Instant occurredAt) {}

  public record SegmentsView(List<SegmentView> current, List<SegmentChangeView> history) {}

  public record IdentifierView(String type, String value) {}

  public record TraitView(Object value, String source, String eventKey, Instant eventTime) {}

  public record ConsentView(boolean granted, String source, String eventKey, Instant eventTime) {}

  public record EventView(
      String eventKey,
      String messageId,
      String type,
      String name,
      Instant timestamp,
      Map<String, Object> payload) {}

  public record EventPage(List<EventView> items, String nextCursor) {}

  public record AuditView(
      String field,
      Object oldValue,
      Object newValue,
      String source,
      String eventKey,
      Instant eventTime,
      Instant recordedAt) {}

  public record ConsentUpdate(Map<String, Boolean> categories) {}

  public record ExportDocument(
      String workspaceId,
      Instant exportedAt,
      ProfileView profile,
      Map<String, TraitView> traits,
      Map<String, ConsentView> consent,
      List<EventView> events,
      List<AuditView> audit,
      List<SegmentChangeView> segmentHistory) {}

  public static ProfileView view(Profile p) {
    return new ProfileView(
        p.profileId(),
        p.version(),
        p.traitValues(),
        ProfileDocuments.plain(p.computed()),
        p.consentValues(),
        p.identifiers().values().stream()
            .map(i -> new IdentifierView(i.type(), i.value()))
            .toList(),
        p.firstSeen(),
        p.lastSeen(),
        p.eventCount(),
        p.suppressed(),
        List.copyOf(p.mergedFrom()),
        p.currentSegments().stream()
            .map(m -> new SegmentView(m.segmentId(), m.segmentName(), m.enteredAt()))
            .toList());
  }
}
