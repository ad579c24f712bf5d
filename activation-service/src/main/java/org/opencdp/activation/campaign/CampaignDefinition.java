package org.opencdp.activation.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a campaign does: a trigger starts a journey for one profile, which runs its steps in order
 * (WAIT, BRANCH, SEND). An event named in {@code exitOn} cancels the profile's running journey (the
 * "no Order Completed within 1 hour" of an abandoned cart).
 *
 * @param consentCategory the consent the profile must have granted, e.g. {@code marketing}
 * @param defaults fallback trait values for templates, e.g. {@code firstName: "there"}
 * @param quietHours false to send at any hour (transactional messages); default true
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignDefinition(
    String name,
    Boolean active,
    String consentCategory,
    Trigger trigger,
    List<Step> steps,
    List<String> exitOn,
    Map<String, Object> defaults,
    Boolean quietHours) {

  public enum TriggerType {
    SEGMENT_ENTERED,
    SEGMENT_EXITED,
    EVENT
  }

  /**
   * @param segmentId for segment triggers
   * @param event the event name for EVENT triggers
   * @param where property equality filter for EVENT triggers ({@code {"cartValue": 100}})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Trigger(
      TriggerType type, String segmentId, String event, Map<String, Object> where) {}

  public enum StepType {
    WAIT,
    BRANCH,
    SEND
  }

  /**
   * One step. WAIT uses {@code duration}; BRANCH evaluates {@code condition} and goes to step
   * {@code ifTrue} or {@code ifFalse} (-1 ends the journey, null continues with the next step);
   * SEND renders {@code subject} and {@code template} and sends to {@code destinationId}. After a
   * WAIT or SEND the journey goes on with step {@code next} when set (-1 ends it), else with the
   * following step.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(
      StepType type,
      Duration duration,
      Condition condition,
      Integer ifTrue,
      Integer ifFalse,
      String destinationId,
      String subject,
      String template,
      Integer next) {}

  /** A trait equal to a value, or membership of a segment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Condition(String trait, Object equals, String segmentId) {}

  public boolean isActive() {
    return active == null || active;
  }

  public boolean respectsQuietHours() {
    return quietHours == null || quietHours;
  }

  /** True when the journey has no WAIT or BRANCH: it can run without a stored journey. */
  public boolean sendOnly() {
    return steps.stream().allMatch(s -> s.type() == StepType.SEND && s.next() == null);
  }
}
