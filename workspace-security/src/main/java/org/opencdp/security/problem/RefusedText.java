package org.opencdp.security.problem;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.sql.SQLException;

/**
 * Recognises text PostgreSQL refuses to store: SQLSTATE 22021 (a U+0000 or an invalid byte
 * sequence), 22001 (longer than its column) or 22P05 (an untranslatable character). That is the
 * request's fault, and the refused statement wrote nothing.
 *
 * <p>The SQLSTATE is read from the cause chain without a compile dependency on a database client
 * (profile-service has none, the others bring their own): JDBC's {@link SQLException} is a JDK
 * type; the reactive client's {@value #VERTX_DATABASE_EXCEPTION} is recognised by class name and
 * its public {@code getSqlState()} read reflectively. The structured state is read rather than
 * parsed out of the message, whose wording is the driver's choice and can quote the refused value.
 * In a native image that one reflective call needs the class registered: done by name below, so the
 * registration costs nothing in a service without the client.
 */
@RegisterForReflection(
    classNames = RefusedText.VERTX_DATABASE_EXCEPTION,
    methods = true,
    fields = false,
    ignoreNested = true)
final class RefusedText {
  static final String VERTX_DATABASE_EXCEPTION = "io.vertx.sqlclient.DatabaseException";

  /** Cause chains are short; the bound only guards against a cycle of causes. */
  private static final int MAX_CAUSES = 32;

  private RefusedText() {}

  static boolean in(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      String state = sqlState(t);
      if ("22021".equals(state) || "22001".equals(state) || "22P05".equals(state)) {
        return true;
      }
    }
    return false;
  }

  static String sqlState(Throwable t) {
    if (t instanceof SQLException sql) {
      return sql.getSQLState();
    }
    for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
      if (type.getName().equals(VERTX_DATABASE_EXCEPTION)) {
        try {
          return type.getMethod("getSqlState").invoke(t) instanceof String state ? state : null;
        } catch (ReflectiveOperationException e) {
          return null; // another client version without the method: an ordinary 500
        }
      }
    }
    return null;
  }
}
