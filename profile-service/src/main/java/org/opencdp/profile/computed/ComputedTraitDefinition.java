package org.opencdp.profile.computed;

/**
 * A computed trait declared for a workspace, e.g. {@code orders_30d = COUNT of "Order Completed"
 * over 30 days} or {@code lifetime_revenue = SUM of properties.revenue}.
 *
 * @param event the track event name counted; null counts every track event
 * @param property path into {@code properties} ({@code revenue}, {@code product.category}); not
 *     needed for COUNT
 * @param windowDays sliding window in whole UTC days including today; null or 0 means all time
 */
public record ComputedTraitDefinition(
    String workspaceId,
    String name,
    Aggregation aggregation,
    String event,
    String property,
    Integer windowDays) {

  public boolean windowed() {
    return windowDays != null && windowDays > 0;
  }
}
