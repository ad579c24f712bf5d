package org.opencdp.identity.service.resolution;

import io.vertx.pgclient.PgException;
import java.util.Set;

/** Which failures mean "lost a race, run the transaction again". */
public final class Transactions {
  /** unique_violation, serialization_failure, deadlock_detected, lock_not_available. */
  private static final Set<String> RETRYABLE_STATES = Set.of("23505", "40001", "40P01", "55P03");

  private Transactions() {}

  public static boolean isRetryable(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 10; depth++) {
      if (current instanceof GraphChangedException) {
        return true;
      }
      if (current instanceof PgException pg) {
        return RETRYABLE_STATES.contains(pg.getSqlState());
      }
      // Hibernate Reactive converts the client's PgException into a JDBCException (for example
      // ConstraintViolationException) that no longer has it as a cause, only its SQL state.
      if (current instanceof org.hibernate.JDBCException jdbc && jdbc.getSQLState() != null) {
        return RETRYABLE_STATES.contains(jdbc.getSQLState());
      }
      if (current instanceof org.hibernate.exception.LockAcquisitionException) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }
}
