package org.opencdp.ingestion.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;
import org.opencdp.ingestion.config.GatewayConfig;

/**
 * Applies a YAML file declaring workspaces, tokens, sources, write keys and tracking plans at
 * start, so a platform team can keep sources in Git. Applying is idempotent (upserts); what was
 * created through the API and is not in the file is left alone. Secrets are never written in the
 * file in clear: give their SHA-256, or the name of an environment variable that holds them.
 */
@ApplicationScoped
public class ConfigAsCode {
  private final GatewayConfig config;
  private final SourceAdmin admin;

  ConfigAsCode(GatewayConfig config, SourceAdmin admin) {
    this.config = config;
    this.admin = admin;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public record File(List<WorkspaceDecl> workspaces) {}

  public record WorkspaceDecl(
      String id, String name, List<SecretDecl> tokens, List<SourceDecl> sources) {}

  public record SourceDecl(
      String id,
      String name,
      Integer rateLimitPerSecond,
      Source.PlanMode planMode,
      JsonNode trackingPlan,
      List<SecretDecl> writeKeys) {}

  /** A secret given by hash, or by the environment variable that holds it. */
  public record SecretDecl(String name, String sha256, String valueFromEnv) {
    String hash(Function<String, String> env) {
      if (sha256 != null && sha256.matches("[0-9a-fA-F]{64}")) {
        return sha256.toLowerCase();
      }
      String value = valueFromEnv == null ? null : env.apply(valueFromEnv);
      if (value == null || value.isBlank()) {
        throw new IllegalStateException(
            "config file: a secret needs sha256 (64 hex) or valueFromEnv naming a set variable");
      }
      return Secrets.sha256(value);
    }
  }

  void onStart(@Observes StartupEvent start) throws Throwable {
    if (config.configFile().isEmpty()) {
      return;
    }
    Path path = Path.of(config.configFile().get());
    File file = applyFile(path, ConfigAsCode::lookup);
    Log.infof(
        "applied config file %s (%d workspaces)",
        path, file.workspaces() == null ? 0 : file.workspaces().size());
  }

  /**
   * Reads and applies a file; {@code secrets} resolves the names given as {@code valueFromEnv}.
   * Blocks: call it at start or from tests, never on an event loop.
   */
  public File applyFile(Path path, Function<String, String> secrets) throws Throwable {
    File file = read(path);
    VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> apply(file, secrets)));
    return file;
  }

  /**
   * Secrets named in the file are read from the environment (or any MicroProfile Config source).
   */
  private static String lookup(String name) {
    return ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null);
  }

  static File read(Path path) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndRegisterModules();
    return yaml.readValue(Files.readAllBytes(path), File.class);
  }

  Uni<Void> apply(File file, Function<String, String> env) {
    List<WorkspaceDecl> workspaces = file.workspaces() == null ? List.of() : file.workspaces();
    return Multi.createFrom()
        .iterable(workspaces)
        .onItem()
        .transformToUniAndConcatenate(ws -> applyWorkspace(ws, env))
        .collect()
        .asList()
        .replaceWithVoid();
  }

  private Uni<Void> applyWorkspace(WorkspaceDecl ws, Function<String, String> env) {
    Uni<?> chain = admin.upsertWorkspace(ws.id(), ws.name());
    for (SecretDecl token : orEmpty(ws.tokens())) {
      chain = chain.flatMap(ignored -> admin.addTokenHash(ws.id(), token.name(), token.hash(env)));
    }
    for (SourceDecl source : orEmpty(ws.sources())) {
      chain =
          chain.flatMap(
              ignored ->
                  admin.upsertSource(
                      ws.id(),
                      source.id(),
                      new SourceAdmin.SourceSpec(
                          source.name(),
                          source.rateLimitPerSecond(),
                          source.planMode(),
                          source.trackingPlan())));
      for (SecretDecl key : orEmpty(source.writeKeys())) {
        chain =
            chain.flatMap(
                ignored ->
                    admin.addWriteKeyHash(
                        ws.id(),
                        source.id(),
                        key.hash(env),
                        key.name() == null ? "declared" : key.name()));
      }
    }
    return chain.replaceWithVoid();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
