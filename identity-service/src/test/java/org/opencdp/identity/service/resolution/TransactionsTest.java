package org.opencdp.identity.service.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

class TransactionsTest {

  @Test
  void aUniqueViolationConvertedByHibernateIsRetried() {
    // What Hibernate Reactive raises for a duplicate idempotency record: no PgException cause.
    var duplicate =
        new ConstraintViolationException(
            "duplicate key", new SQLException("duplicate key", "23505"), "pkey");

    assertThat(Transactions.isRetryable(new RuntimeException(duplicate))).isTrue();
  }

  @Test
  void otherDatabaseErrorsAreNot() {
    var notNull =
        new ConstraintViolationException(
            "null value", new SQLException("null value", "23502"), "column");

    assertThat(Transactions.isRetryable(notNull)).isFalse();
    assertThat(Transactions.isRetryable(new IllegalStateException("bug"))).isFalse();
  }
}
