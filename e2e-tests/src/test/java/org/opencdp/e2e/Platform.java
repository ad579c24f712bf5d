package org.opencdp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opencdp.launcher.LocalPlatform;
import org.opencdp.launcher.ServiceProcess;
import org.opencdp.testsupport.KafkaBroker;
import org.opencdp.testsupport.RedisServer;

/**
 * The whole platform, started once for every test class of the run ({@code
 * ExtendWith(Platform.Extension.class)}, then a {@link Platform} parameter): infrastructure and the
 * five services as processes from their {@code target/quarkus-app}, on free ports, with two
 * workspaces. JUnit closes it after the last class; the launcher's shutdown hook stops it when the
 * JVM ends another way, so no process outlives the run.
 *
 * <p>Drills get at the moving parts: {@link #service} to kill or restart one service, {@link
 * #kafka()} for the broker.
 */
public final class Platform implements AutoCloseable {
  /** The workspace the journeys run in. */
  public static final LocalPlatform.Workspace SHOP =
      new LocalPlatform.Workspace("shop", "e2e_shop_token_4f1c9a", "wk_e2e_shop_7d2b50");

  /** A second tenant: its token must never reach the shop's data. */
  public static final LocalPlatform.Workspace RIVAL =
      new LocalPlatform.Workspace("rival", "e2e_rival_token_c83e17", "wk_e2e_rival_1a9f44");

  public static final String GATEWAY = "ingestion-service";
  public static final String IDENTITY = "identity-service";
  public static final String PROFILE = "profile-service";
  public static final String SEGMENT = "segment-service";
  public static final String ACTIVATION = "activation-service";
  public static final List<String> SERVICES =
      List.of(GATEWAY, IDENTITY, PROFILE, SEGMENT, ACTIVATION);

  private final LocalPlatform platform;

  private Platform(LocalPlatform platform) {
    this.platform = platform;
  }

  static Platform start() {
    Path repository =
        Path.of(System.getProperty("cdp.repository", "..")).toAbsolutePath().normalize();
    Path state = Path.of(System.getProperty("cdp.e2e.state", "target/platform")).toAbsolutePath();
    LocalPlatform platform = LocalPlatform.forTests(repository, state, List.of(SHOP, RIVAL));
    long started = System.nanoTime();
    try {
      platform.start();
    } catch (IOException | RuntimeException e) {
      printLogTails(state.resolve("logs"));
      platform.stop();
      throw new IllegalStateException("the platform did not start: " + e.getMessage(), e);
    }
    System.out.printf(
        "platform ready in %d s: %s%n",
        (System.nanoTime() - started) / 1_000_000_000L, platform.urls());
    return new Platform(platform);
  }

  public String url(String service) {
    return platform.service(service).url();
  }

  public ServiceProcess service(String name) {
    return platform.service(name);
  }

  public KafkaBroker kafka() {
    return platform.kafka();
  }

  /** The Redis server every service shares, for the drill that flushes it. */
  public RedisServer redis() {
    return platform.redis();
  }

  public LocalPlatform launcher() {
    return platform;
  }

  public Path logs() {
    return platform.state().resolve("logs");
  }

  @Override
  public void close() {
    platform.stop();
  }

  /** The end of each service log, so a CI failure explains itself. */
  static void printLogTails(Path logs) {
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (var files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        System.err.println("---- last lines of " + log);
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the one platform on first use and hands it to test constructors and methods. */
  public static final class Extension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(Platform.class);

    @Override
    public void beforeAll(ExtensionContext context) {
      platform(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == Platform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return platform(context);
    }

    private static Platform platform(ExtensionContext context) {
      // The root store lives for the whole run and closes its AutoCloseable values at the end.
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .computeIfAbsent(Platform.class, ignored -> Platform.start(), Platform.class);
    }
  }
}
