package org.opencdp.activation.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.contracts.DeliveryResult;

/**
 * Audience sync to an ads/CRM API: {@code POST <baseUrl>/audiences/<audienceId>/members} with
 * {@code {"add": [...], "remove": [...]}} of SHA-256 hashed, normalised email addresses (the form
 * ad platforms match on), bearer token = the secret. Up to {@code batchSize} members per call.
 */
@ApplicationScoped
public class AudienceSender implements Sender {
  private final HttpCalls http;
  private final ObjectMapper json;
  private final ActivationConfig config;

  AudienceSender(HttpCalls http, ObjectMapper json, ActivationConfig config) {
    this.http = http;
    this.json = json;
    this.config = config;
  }

  @Override
  public DestinationType type() {
    return DestinationType.AUDIENCE;
  }

  @Override
  public int batchSize(Destination destination) {
    return Math.max(1, Math.min(10_000, destination.integer("batchSize", 100)));
  }

  @Override
  public CompletionStage<Outcome> send(Destination destination, List<Delivery> batch) {
    List<String> add = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (Delivery d : batch) {
      ("remove".equals(d.message().op()) ? remove : add).add(d.message().to());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("add", add);
    body.put("remove", remove);
    String payload;
    try {
      payload = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(Outcome.permanent("members not writable"));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Idempotency-Key", batch.get(0).id() + "+" + batch.size());
    if (destination.secret() != null) {
      headers.put("Authorization", "Bearer " + destination.secret());
    }
    return http.post(
        destination,
        SmsSender.trim(destination.string("baseUrl"))
            + "/audiences/"
            + URLEncoder.encode(destination.string("audienceId"), StandardCharsets.UTF_8)
            + "/members",
        headers,
        payload,
        destination.timeout(config.delivery().timeout()),
        DeliveryResult.Status.DELIVERED);
  }
}
