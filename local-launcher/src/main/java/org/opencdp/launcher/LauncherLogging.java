package org.opencdp.launcher;

import java.util.List;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The launcher JVM's logging. Quarkus's jars (through test-support) put JBoss LogManager on the
 * classpath, and with it JBoss's {@code System.LoggerFinder}: when the first {@code System.Logger}
 * is asked for after java.util.logging started with the JDK's own LogManager, it logs "ERROR: The
 * LogManager accessed before the java.util.logging.manager system property was set". So, before
 * anything logs, the launcher makes JBoss LogManager the java.util.logging manager and gives it one
 * console handler: WARN and above on stderr, one line each. SLF4J (bound to JBoss LogManager here),
 * java.util.logging and {@code System.Logger} all end there.
 */
final class LauncherLogging {
  static final String FORMAT = "%d{HH:mm:ss} %-5p [%c] %s%e%n";

  /**
   * Warnings every start prints that say nothing to act on: the Kafka admin client retrying until
   * the broker's JVM listens (the launcher waits for it), and the MongoDB-wire test double ignoring
   * the secondary indexes it does not implement (a documented limit of the double).
   */
  static final List<String> EXPECTED_WARNINGS =
      List.of("org.apache.kafka.clients.NetworkClient", "de.bwaldvogel.mongo");

  private LauncherLogging() {}

  /** Must run before any library logs: the java.util.logging manager is chosen only once. */
  static void install() {
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    ConsoleHandler console =
        new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR, new PatternFormatter(FORMAT));
    console.setLevel(Level.WARN);
    LogContext context = LogContext.getSystemLogContext();
    Logger root = context.getLogger("");
    root.setLevel(Level.WARN);
    root.addHandler(console);
    for (String expectedNoise : EXPECTED_WARNINGS) {
      context.getLogger(expectedNoise).setLevel(Level.ERROR);
    }
  }
}
