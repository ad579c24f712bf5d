package org.opencdp.activation.destination;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.config.ConfigCache;
import org.opencdp.activation.security.SecretCipher;
import org.opencdp.security.problem.ProblemException;

/**
 * Destinations: validated writes (REST, reactive) and a cached, decrypted view for the delivery
 * workers (blocking callers on worker threads).
 */
@ApplicationScoped
public class DestinationService {
  /** What the API accepts; {@code secret} is write-only. */
  public record DestinationRequest(
      String name, DestinationType type, Map<String, Object> config, String secret) {}

  /** What the API returns: never the secret. */
  public record DestinationView(
      String id,
      String name,
      DestinationType type,
      Map<String, Object> config,
      boolean hasSecret,
      Instant createdAt,
      Instant updatedAt) {}

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final DestinationRepository repository;
  private final SecretCipher cipher;
  private final ObjectMapper json;
  private final Clock clock;
  private final ConfigCache<String, Optional<Destination>> cache;
  private final AddressGuard guard;

  DestinationService(
      DestinationRepository repository,
      SecretCipher cipher,
      ObjectMapper json,
      Clock clock,
      ActivationConfig config,
      AddressGuard guard) {
    this.guard = guard;
    this.repository = repository;
    this.cipher = cipher;
    this.json = json;
    this.clock = clock;
    this.cache = new ConfigCache<>(config.configCacheTtl());
  }

  public Uni<DestinationView> create(String workspaceId, DestinationRequest request) {
    validateShape(request, true);
    return checkAddress(request).chain(() -> insert(workspaceId, request));
  }

  private Uni<DestinationView> insert(String workspaceId, DestinationRequest request) {
    DestinationEntity entity = new DestinationEntity();
    entity.id = UUID.randomUUID().toString();
    entity.workspaceId = workspaceId;
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    entity.createdAt = now;
    apply(entity, request, now);
    return Panache.withTransaction(() -> repository.persist(entity)).map(this::view);
  }

  public Uni<DestinationView> update(String workspaceId, String id, DestinationRequest request) {
    validateShape(request, false);
    return checkAddress(request).chain(() -> save(workspaceId, id, request));
  }

  private Uni<DestinationView> save(String workspaceId, String id, DestinationRequest request) {
    return Panache.withTransaction(
        () ->
            repository
                .byId(workspaceId, id)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("no destination " + id))
                .invoke(
                    entity -> {
                      if (entity.type != request.type()) {
                        throw ProblemException.badRequest(
                            "the type of a destination cannot change; create a new one");
                      }
                      apply(entity, request, clock.instant().truncatedTo(ChronoUnit.MICROS));
                      cache.invalidate(key(workspaceId, id));
                    })
                .map(this::view));
  }

  public Uni<Void> delete(String workspaceId, String id) {
    return Panache.withTransaction(
        () ->
            repository
                .delete("workspaceId = ?1 and id = ?2", workspaceId, id)
                .invoke(
                    count -> {
                      if (count == 0) {
                        throw ProblemException.notFound("no destination " + id);
                      }
                      cache.invalidate(key(workspaceId, id));
                    })
                .replaceWithVoid());
  }

  public Uni<List<DestinationView>> list(String workspaceId) {
    return Panache.withSession(
        () ->
            repository.ofWorkspace(workspaceId).map(all -> all.stream().map(this::view).toList()));
  }

  public Uni<DestinationView> get(String workspaceId, String id) {
    return Panache.withSession(
        () ->
            repository
                .byId(workspaceId, id)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("no destination " + id))
                .map(this::view));
  }

  public Uni<Boolean> exists(String workspaceId, String id) {
    return Panache.withSession(() -> repository.byId(workspaceId, id).map(e -> e != null));
  }

  /** For worker threads: the decrypted destination, cached for the configured TTL. */
  public Optional<Destination> find(String workspaceId, String id) {
    return cache.get(key(workspaceId, id), k -> load(workspaceId, id));
  }

  private Optional<Destination> load(String workspaceId, String id) {
    try {
      DestinationEntity entity =
          VertxContextSupport.subscribeAndAwait(
              () -> Panache.withSession(() -> repository.byId(workspaceId, id)));
      return Optional.ofNullable(entity).map(this::runtime);
    } catch (Throwable e) {
      throw new IllegalStateException("destination lookup failed", e);
    }
  }

  private Destination runtime(DestinationEntity entity) {
    String secret =
        entity.secret == null
            ? null
            : cipher.decrypt(entity.workspaceId + "/" + entity.id, entity.secret);
    return new Destination(
        entity.id,
        entity.workspaceId,
        entity.name,
        entity.type,
        readConfig(entity.config),
        secret,
        entity.updatedAt);
  }

  private void apply(DestinationEntity entity, DestinationRequest request, Instant now) {
    entity.name = request.name().trim();
    entity.type = request.type();
    entity.config = writeConfig(request.config() == null ? Map.of() : request.config());
    if (request.secret() != null) {
      entity.secret =
          request.secret().isEmpty()
              ? null
              : cipher.encrypt(entity.workspaceId + "/" + entity.id, request.secret());
    }
    entity.updatedAt = now;
  }

  private DestinationView view(DestinationEntity entity) {
    return new DestinationView(
        entity.id,
        entity.name,
        entity.type,
        readConfig(entity.config),
        entity.secret != null,
        entity.createdAt,
        entity.updatedAt);
  }

  /** The SSRF guard on a worker thread (name lookups block), back on the caller's context. */
  private Uni<Void> checkAddress(DestinationRequest request) {
    Map<String, Object> config = request.config() == null ? Map.of() : request.config();
    return VertxContextSupport.<Void>executeBlocking(
        () -> {
          guard
              .refuse(request.type(), config, false)
              .ifPresent(
                  reason -> {
                    throw ProblemException.badRequest(reason);
                  });
          return null;
        });
  }

  private static void validateShape(DestinationRequest request, boolean creating) {
    if (request == null || request.name() == null || request.name().isBlank()) {
      throw ProblemException.badRequest("a destination needs a name");
    }
    if (request.name().length() > 200) {
      throw ProblemException.badRequest("name: at most 200 characters");
    }
    if (request.type() == null) {
      throw ProblemException.badRequest("type must be one of WEBHOOK, EMAIL, SMS, KAFKA, AUDIENCE");
    }
    Map<String, Object> config = request.config() == null ? Map.of() : request.config();
    switch (request.type()) {
      case WEBHOOK -> requireUrl(config, "url");
      case SMS -> {
        requireUrl(config, "baseUrl");
        require(config, "accountSid");
        require(config, "from");
        if (creating && (request.secret() == null || request.secret().isBlank())) {
          throw ProblemException.badRequest("an SMS destination needs its auth token as secret");
        }
      }
      case EMAIL -> {
        require(config, "host");
        require(config, "from");
      }
      case KAFKA -> {
        String topic = require(config, "topic");
        if (topic.startsWith("cdp.") || !topic.matches("[A-Za-z0-9._-]{1,200}")) {
          throw ProblemException.badRequest(
              "config.topic: letters, digits, '.', '_', '-'; platform topics (cdp.*) are not allowed");
        }
      }
      case AUDIENCE -> {
        requireUrl(config, "baseUrl");
        require(config, "audienceId");
      }
    }
    if (config.get("frequencyCap") instanceof Map<?, ?> cap
        && !(cap.get("max") instanceof Number && cap.get("windowSeconds") instanceof Number)) {
      throw ProblemException.badRequest("config.frequencyCap needs numeric max and windowSeconds");
    }
  }

  private static String require(Map<String, Object> config, String key) {
    Object value = config.get(key);
    if (value == null || value.toString().isBlank()) {
      throw ProblemException.badRequest("config." + key + " is required for this type");
    }
    return value.toString();
  }

  private static void requireUrl(Map<String, Object> config, String key) {
    String value = require(config, key);
    try {
      URI uri = URI.create(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("config." + key + " must be an http(s) URL");
    }
  }

  private Map<String, Object> readConfig(String text) {
    try {
      return json.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored destination config is not JSON", e);
    }
  }

  private String writeConfig(Map<String, Object> config) {
    try {
      return json.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("config must be a JSON object");
    }
  }

  private static String key(String workspaceId, String id) {
    return workspaceId + "/" + id;
  }
}
