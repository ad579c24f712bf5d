package org.opencdp.security.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RefusedTextTest {

  private static PgException postgres(String sqlState) {
    return new PgException("refused", "ERROR", sqlState, null);
  }

  @Test
  void findsTheReactiveClientsRefusalAnywhereInTheCauseChain() {
    assertThat(RefusedText.in(postgres("22021"))).isTrue();
    assertThat(RefusedText.in(new CompletionException(postgres("22001")))).isTrue();
    assertThat(
            RefusedText.in(new IllegalStateException(new CompletionException(postgres("22P05")))))
        .isTrue();
  }

  @Test
  void findsAJdbcRefusal() {
    assertThat(RefusedText.in(new RuntimeException(new SQLException("too long", "22001"))))
        .isTrue();
  }

  @Test
  void otherDatabaseFaultsAreNotTheRequestsFault() {
    assertThat(RefusedText.in(postgres("23505"))).isFalse();
    assertThat(RefusedText.in(new SQLException("connection refused", "08001"))).isFalse();
    assertThat(RefusedText.in(postgres(null))).isFalse();
  }

  @Test
  void readsTheSqlStateNotTheMessage() {
    assertThat(RefusedText.in(new IllegalStateException("ERROR: invalid byte sequence (22021)")))
        .isFalse();
  }

  @Test
  void aCycleOfCausesEnds() {
    RuntimeException first = new RuntimeException("first");
    RuntimeException second = new RuntimeException("second", first);
    first.initCause(second);
    assertThat(RefusedText.in(first)).isFalse();
  }
}
