package org.opencdp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.FreePorts;
import org.opencdp.testsupport.KafkaBroker;
import org.opencdp.testsupport.MongoWireProcess;
import org.opencdp.testsupport.PostgresServer;
import org.opencdp.testsupport.RedisServer;

/**
 * The one-command local run: real Kafka, PostgreSQL and Redis, the MongoDB-wire test server
 * (mongo-java-server, not MongoDB), and the five services as processes, then a demo.
 *
 * <p>Options: {@code --no-demo}, {@code --exit-after-demo} (for scripted checks). State lives in
 * {@code .cdp-local/} and is wiped at every start.
 *
 * <p>The end-to-end tests start the same platform through {@link #forTests}: free ports, their own
 * state directory and workspaces, and access to each service process and the Kafka broker.
 */
public final class LocalPlatform implements AutoCloseable {
  /** Local-only secrets, printed so a developer can use them; never use them anywhere else. */
  public static final String ADMIN_TOKEN = "cdp_local_admin_token";

  public static final String DEMO_WORKSPACE = "demo";
  public static final String DEMO_TOKEN = "cdp_local_demo_token";
  public static final String DEMO_WRITE_KEY = "wk_local_demo_write_key";

  /**
   * A workspace known to every service from the start: its bearer token (accepted by all five) and
   * one write key of its source {@code website} at the gateway.
   */
  public record Workspace(String id, String token, String writeKey) {}

  static final Workspace DEMO = new Workspace(DEMO_WORKSPACE, DEMO_TOKEN, DEMO_WRITE_KEY);

  // A loaded machine (CI, several builds at once) can need more: -Dcdp.ready-timeout-seconds.
  private static final Duration READY_TIMEOUT =
      Duration.ofSeconds(Long.getLong("cdp.ready-timeout-seconds", 300));
  private static final List<String> DATABASES =
      List.of("ingestion", "identity", "segment", "activation");

  private final Path repository;
  private final Path state;
  private final List<Workspace> workspaces;
  private final boolean freePorts;
  private final List<AutoCloseable> infrastructure = new ArrayList<>();
  private final List<ServiceProcess> services = new ArrayList<>();
  private KafkaBroker kafka;
  private RedisServer redis;
  private MongoWireProcess mongo;
  private OrphanWatchdog watchdog;

  private LocalPlatform(
      Path repository, Path state, List<Workspace> workspaces, boolean freePorts) {
    this.repository = repository;
    this.state = state;
    this.workspaces = List.copyOf(workspaces);
    this.freePorts = freePorts;
  }

  /**
   * A platform for tests: services on free ports, state (wiped at start) and logs under {@code
   * state}, the given workspaces. {@link #start()} it, {@link #close()} it; a JVM shutdown hook
   * stops it too, so no process outlives the JVM.
   */
  public static LocalPlatform forTests(Path repository, Path state, List<Workspace> workspaces) {
    LocalPlatform platform = new LocalPlatform(repository, state, workspaces, true);
    Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "cdp-platform-stop"));
    return platform;
  }

  public static void main(String[] args) throws Exception {
    LauncherLogging.install();
    List<String> options = List.of(args);
    Path repository =
        Path.of(System.getProperty("cdp.repository", ".")).toAbsolutePath().normalize();
    LocalPlatform platform =
        new LocalPlatform(repository, repository.resolve(".cdp-local"), List.of(DEMO), false);
    Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "cdp-local-stop"));
    int exitCode = 0;
    try {
      platform.start();
      if (!options.contains("--no-demo")) {
        try (WebhookReceiver webhook = new WebhookReceiver()) {
          new Demo(platform.urls(), DEMO_WRITE_KEY, DEMO_TOKEN, webhook).run();
        }
      }
    } catch (RuntimeException e) {
      System.err.println("FAILED: " + e.getMessage());
      exitCode = 1;
    }
    if (exitCode != 0 || options.contains("--exit-after-demo")) {
      System.exit(exitCode);
    }
    System.out.println("\nRunning. Press Ctrl-C to stop everything.");
    new CountDownLatch(1).await();
  }

  /** Starts infrastructure and services, and waits until every service is ready. */
  public void start() throws IOException {
    wipe(state);
    Path logs = Files.createDirectories(state.resolve("logs"));
    say("Starting infrastructure (state and logs in " + state + ")");
    watchdog = OrphanWatchdog.start();

    kafka = keep(KafkaBroker.startNew(state.resolve("kafka")));
    createTopics(kafka.bootstrapServers());
    PostgresServer postgres =
        keep(PostgresServer.start(state.resolve("postgres"), FreePorts.next()));
    // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect)
    watchdog.watch(postgres.postmaster(), "INT");
    DATABASES.forEach(postgres::createDatabase);
    redis = keep(RedisServer.start(FreePorts.next()));
    redis
        .process()
        .ifPresentOrElse(
            process -> watchdog.watch(process, "TERM"),
            () -> say("  (Redis process not found: it outlives a kill -9 of the launcher)"));
    mongo =
        keep(
            MongoWireProcess.start(
                FreePorts.next(), logs.resolve("mongo-wire.log"), mongoJvmOptions()));
    say("  Kafka            " + kafka.bootstrapServers());
    say("  PostgreSQL       127.0.0.1:" + postgres.port() + " (databases " + DATABASES + ")");
    say("  Redis            " + redis.url());
    say(
        "  MongoDB-wire     "
            + mongo.connectionString()
            + " (mongo-java-server test double, not MongoDB)");

    Map<String, String> common = new HashMap<>();
    common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    common.put("CDP_POSTGRES_USER", PostgresServer.USER);
    common.put("CDP_REDIS_URL", redis.url());
    common.put("CDP_MONGODB_URL", mongo.connectionString());
    String tokens =
        String.join(
            ",", workspaces.stream().map(w -> w.id() + ":" + Sha256.hex(w.token())).toList());
    // One variable for every workspace-scoped service (module workspace-security).
    common.put("CDP_AUTH_WORKSPACE_TOKENS", tokens);
    // the demo webhook receiver listens on 127.0.0.1, an address the SSRF guard refuses otherwise
    common.put("CDP_ACTIVATION_DESTINATIONS_ALLOWED_PRIVATE_HOSTS", "127.0.0.1");
    common.put("CDP_ACTIVATION_ENCRYPTION_KEY", "bG9jYWwtb25seS0zMi1ieXRlLWFlcy1rZXktMDAwMDA=");
    common.put("CDP_PROFILE_CRYPTO_ENCRYPTION_KEY", "bG9jYWwtb25seS0zMi1ieXRlLWFlcy1rZXktMDAwMDA=");
    common.put("CDP_PROFILE_CRYPTO_HMAC_KEY", "bG9jYWwtb25seS1obWFjLWtleS1mb3ItcHJvZmlsZXM=");
    common.put("CDP_IDENTITY_CRYPTO_HMAC_KEY", "bG9jYWwtb25seS1obWFjLWtleS1mb3ItaWRlbnRpdHk=");

    Path sources = state.resolve("sources.yaml");
    Files.writeString(sources, sourcesFile());

    say("Starting services");
    for (ServiceSpec spec : ServiceSpec.ALL) {
      Map<String, String> env = new HashMap<>(common);
      // the launcher's defaults for one small machine; a variable the user set wins
      spec.settings()
          .forEach((key, value) -> env.put(key, System.getenv().getOrDefault(key, value)));
      if (spec.database() != null) {
        env.put("CDP_POSTGRES_URL", postgres.reactiveUrl(spec.database()));
      }
      if (spec.name().equals("ingestion-service")) {
        env.put("CDP_GATEWAY_CONFIG_FILE", sources.toString());
        env.put("CDP_GATEWAY_ADMIN_TOKEN_SHA256", Sha256.hex(ADMIN_TOKEN));
      }
      int port = freePorts ? FreePorts.next() : spec.port();
      services.add(
          ServiceProcess.start(
              repository, spec.name(), port, spec.heapMiB(), spec.youngMiB(), env, logs, watchdog));
    }
    services.parallelStream().forEach(service -> service.awaitReady(READY_TIMEOUT));
    for (ServiceProcess service : services) {
      say(
          String.format(
              "  %-20s %s  (Swagger UI %s/q/swagger-ui, log %s)",
              service.name(), service.url(), service.url(), service.log()));
    }
    say("");
    say("Gateway (Segment-compatible): " + urls().get("ingestion-service") + "/v1/batch");
    say("Demo write key:               " + DEMO_WRITE_KEY);
    say("Demo workspace token:         " + DEMO_TOKEN + "  (workspace \"" + DEMO_WORKSPACE + "\")");
    say("Platform admin token:         " + ADMIN_TOKEN);
  }

  /** Creates the platform's topics up front, so consumers never wait for auto-creation. */
  private static void createTopics(String bootstrap) {
    List<String> names = new ArrayList<>();
    for (String topic :
        List.of(
            Topics.EVENTS_RAW,
            Topics.EVENTS_RESOLVED,
            Topics.IDENTITY_MERGES,
            Topics.PROFILES_CHANGED,
            Topics.SEGMENTS_MEMBERSHIP,
            Topics.PRIVACY_REQUESTS,
            Topics.DELIVERIES,
            PrivacyStatus.TOPIC)) {
      names.add(topic);
      names.add(topic + Topics.DLQ_SUFFIX);
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(names.stream().map(name -> new NewTopic(name, 4, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
    }
  }

  /** The workspaces declared as code; write keys only as SHA-256, like every stored secret. */
  private String sourcesFile() {
    StringBuilder yaml =
        new StringBuilder("# Written by the local launcher: the workspaces, declared as code.\n");
    yaml.append("workspaces:\n");
    for (Workspace workspace : workspaces) {
      yaml.append(
          """
            - id: %s
              name: %s
              tokens:
                - name: local
                  sha256: %s
              sources:
                - id: website
                  name: Website
                  writeKeys:
                    - name: local
                      sha256: %s
          """
              .formatted(
                  workspace.id(),
                  workspace.id(),
                  Sha256.hex(workspace.token()),
                  Sha256.hex(workspace.writeKey())));
    }
    return yaml.toString();
  }

  /** Base URL of each service, by module name ({@code ingestion-service}...). */
  public Map<String, String> urls() {
    Map<String, String> urls = new HashMap<>();
    services.forEach(s -> urls.put(s.name(), s.url()));
    return urls;
  }

  /** One running service, by module name, to read its URL or to kill and restart it. */
  public ServiceProcess service(String name) {
    return services.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  public List<ServiceProcess> services() {
    return List.copyOf(services);
  }

  /** The broker, for drills that stop or kill it. */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** Redis, for drills that flush it and benchmarks that measure it raw. */
  public RedisServer redis() {
    return redis;
  }

  /** The MongoDB-wire test server (mongo-java-server, not MongoDB), for raw baselines. */
  public MongoWireProcess mongo() {
    return mongo;
  }

  /**
   * The test double's JVM: {@code cdp.local.mongo.jvm-options} (space separated), else a heap that
   * grows to 4 GiB (it holds every profile and timeline entry; the failure drills write about a
   * million events) with the serial collector.
   */
  private static List<String> mongoJvmOptions() {
    String options = System.getProperty("cdp.local.mongo.jvm-options", "").trim();
    return options.isEmpty()
        ? List.of("-Xms64m", "-Xmx4g", "-XX:+UseSerialGC")
        : List.of(options.split("\\s+"));
  }

  public Path state() {
    return state;
  }

  @Override
  public void close() {
    stop();
  }

  private <T extends AutoCloseable> T keep(T server) {
    infrastructure.add(server);
    return server;
  }

  /**
   * Stops services, then infrastructure; safe to call twice (close and the shutdown hook). If the
   * launcher dies without getting here, {@link OrphanWatchdog} ends what it started.
   */
  public synchronized void stop() {
    services.forEach(ServiceProcess::stop);
    services.clear();
    for (int i = infrastructure.size() - 1; i >= 0; i--) {
      try {
        infrastructure.get(i).close();
      } catch (Exception ignored) {
        // best effort on the way out
      }
    }
    infrastructure.clear();
    if (watchdog != null) {
      watchdog.close(); // everything is stopped: the watchdog has nothing left to do
      watchdog = null;
    }
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  static void say(String line) {
    System.out.println(line);
  }

  /**
   * The five services with their ports, PostgreSQL database (null: none), maximum heap (three times
   * or more the live set each kept under the whole-platform benchmark), young generation (0: the
   * JVM's default) and settings for one small machine: local-launcher/README.md.
   */
  record ServiceSpec(
      String name,
      int port,
      String database,
      int heapMiB,
      int youngMiB,
      Map<String, String> settings) {
    static final List<ServiceSpec> ALL =
        List.of(
            new ServiceSpec("ingestion-service", 8080, "ingestion", 256, 0, Map.of()),
            new ServiceSpec("identity-service", 8081, "identity", 192, 0, Map.of()),
            new ServiceSpec(
                "profile-service", 8082, null, 320, 128, Map.of("CDP_PROFILE_CONSUMERS", "1")),
            new ServiceSpec(
                "segment-service", 8083, "segment", 256, 96, Map.of("CDP_SEGMENT_CONSUMERS", "1")),
            new ServiceSpec("activation-service", 8084, "activation", 192, 0, Map.of()));
  }
}
