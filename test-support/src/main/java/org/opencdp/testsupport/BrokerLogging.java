package org.opencdp.testsupport;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The Kafka broker JVM's SLF4J provider: WARN and above, one line each (plus the stack trace) on
 * stderr, which {@link KafkaBroker} sends to {@code broker.log}. Below the threshold the level
 * checks answer false, so no message is built (the reason the broker does not get Quarkus's JBoss
 * LogManager binding). Chosen with {@code -Dslf4j.provider}, only in the broker's JVM: it is
 * deliberately not registered as a service, so test and service JVMs keep their own logging. The
 * threshold is {@value #LEVEL_PROPERTY} (default {@code WARN}).
 */
public final class BrokerLogging implements SLF4JServiceProvider {
  static final String LEVEL_PROPERTY = "cdp.kafka.log-level";

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private ILoggerFactory loggers;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    Level threshold =
        Level.valueOf(System.getProperty(LEVEL_PROPERTY, "WARN").trim().toUpperCase(Locale.ROOT));
    ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();
    loggers = name -> byName.computeIfAbsent(name, n -> new StderrLogger(n, threshold));
  }

  private static final class StderrLogger extends LegacyAbstractLogger {
    private final int threshold;

    StderrLogger(String name, Level threshold) {
      this.name = name;
      this.threshold = threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return Level.TRACE.toInt() >= threshold;
    }

    @Override
    public boolean isDebugEnabled() {
      return Level.DEBUG.toInt() >= threshold;
    }

    @Override
    public boolean isInfoEnabled() {
      return Level.INFO.toInt() >= threshold;
    }

    @Override
    public boolean isWarnEnabled() {
      return Level.WARN.toInt() >= threshold;
    }

    @Override
    public boolean isErrorEnabled() {
      return Level.ERROR.toInt() >= threshold;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
      String line =
          Instant.now()
              + " "
              + level
              + " ["
              + Thread.currentThread().getName()
              + "] "
              + name
              + ": "
              + MessageFormatter.basicArrayFormat(pattern, arguments);
      PrintStream err = System.err;
      synchronized (err) {
        err.println(line);
        if (throwable != null) {
          throwable.printStackTrace(err);
        }
      }
    }
  }
}
