package org.opencdp.activation.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.contracts.DeliveryResult;

/**
 * POSTs the delivery document as JSON. Headers: {@code Idempotency-Key} (the delivery id, the same
 * on every retry), {@code X-CDP-Timestamp} and, with a secret, {@code X-CDP-Signature: sha256=<hex
 * HMAC-SHA256 of "<timestamp>.<body>">}, plus the destination's custom headers.
 */
@ApplicationScoped
public class WebhookSender implements Sender {
  private static final Set<String> RESERVED =
      Set.of("host", "content-length", "connection", "expect", "upgrade");

  private final HttpCalls http;
  private final ObjectMapper json;
  private final Clock clock;
  private final ActivationConfig config;

  WebhookSender(HttpCalls http, ObjectMapper json, Clock clock, ActivationConfig config) {
    this.http = http;
    this.json = json;
    this.clock = clock;
    this.config = config;
  }

  @Override
  public DestinationType type() {
    return DestinationType.WEBHOOK;
  }

  @Override
  public CompletionStage<Outcome> send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    String body;
    try {
      body =
          d.message().body() != null
              ? d.message().body()
              : json.writeValueAsString(d.message().document());
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(Outcome.permanent("document not writable"));
    }
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    // the signature headers win over a custom header of the same name
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    destination
        .map("headers")
        .forEach(
            (name, value) -> {
              if (value != null && !RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, value.toString());
              }
            });
    headers.put("Content-Type", destination.string("contentType", "application/json"));
    headers.put("Idempotency-Key", d.id());
    headers.put("X-CDP-Timestamp", timestamp);
    if (destination.secret() != null) {
      headers.put("X-CDP-Signature", "sha256=" + sign(destination.secret(), timestamp, body));
    }
    return http.post(
        destination,
        destination.string("url"),
        headers,
        body,
        destination.timeout(config.delivery().timeout()),
        DeliveryResult.Status.DELIVERED);
  }

  /** Hex HMAC-SHA256 of {@code timestamp + "." + body}. */
  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of()
          .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
