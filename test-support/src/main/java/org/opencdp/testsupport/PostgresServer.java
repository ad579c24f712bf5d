package org.opencdp.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL 17 server started from the zonky embedded binaries (no Docker, no apt). */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private PostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  public static PostgresServer start(Path dataDir, int port) {
    try {
      return new PostgresServer(
          EmbeddedPostgres.builder()
              .setPort(port)
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(true)
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "on")
              .start(),
          dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** Where the server keeps its data; also how benchmarks find its processes. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Creates a database if it does not exist yet (one per service in the local run). */
  public void createDatabase(String name) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("database name must be lowercase letters: " + name);
    }
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      var exists =
          statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
      if (!exists.next()) {
        statement.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
  }

  /**
   * The postmaster. pg_ctl starts it in its own session, so it is not a child of this JVM and
   * survives it unless someone ends it; its pid is the first line of {@code postmaster.pid}.
   */
  public ProcessHandle postmaster() {
    try {
      long pid =
          Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
      return ProcessHandle.of(pid)
          .orElseThrow(() -> new IllegalStateException("PostgreSQL postmaster " + pid + " gone"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read postmaster.pid", e);
    }
  }

  /** URL for the Vert.x reactive PostgreSQL client. */
  public String reactiveUrl(String database) {
    return "postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
