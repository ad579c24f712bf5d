package org.opencdp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.ChildJvm;

/**
 * The launcher's start prints no ERROR line about the LogManager, and library warnings still show.
 * In a JVM of its own: this test JVM already runs with JBoss LogManager (Surefire's setting).
 */
class LauncherLoggingTest {
  private static final Duration CHILD_RUN = Duration.ofSeconds(60);

  @Test
  void noLogManagerErrorAtStartAndWarningsStillShowButNotTheExpectedNoise() throws Exception {
    Process child = ChildJvm.start(LogsLikeTheLauncher.class);
    try {
      String output = String.join("\n", ChildJvm.linesUntil(child, "done"::equals, CHILD_RUN));

      assertThat(output).doesNotContain("ERROR");
      assertThat(output)
          .contains("WARNING [launcher.test] a library warning")
          .contains("WARN  [launcher.slf4j] an SLF4J warning")
          .doesNotContain("an info line")
          .doesNotContain("expected noise");
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * What the launcher's libraries do at start: java.util.logging is used first (the JDK's
   * LogManager would be chosen here), a {@code System.Logger} later (JDK HTTP server and client).
   */
  public static final class LogsLikeTheLauncher {
    private LogsLikeTheLauncher() {}

    public static void main(String[] args) {
      LauncherLogging.install();
      java.util.logging.Logger.getLogger("launcher.test").info("an info line");
      System.getLogger("launcher.system").log(System.Logger.Level.INFO, "an info line");
      java.util.logging.Logger.getLogger("launcher.test").warning("a library warning");
      org.slf4j.LoggerFactory.getLogger("launcher.slf4j").warn("an SLF4J warning");
      org.slf4j.LoggerFactory.getLogger("de.bwaldvogel.mongo.backend.AbstractMongoDatabase")
          .warn("expected noise: adding secondary index ... is not yet implemented");
      org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient")
          .warn("expected noise: connection to node -1 could not be established");
      System.out.println("done");
    }
  }
}
