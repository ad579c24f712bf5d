package org.opencdp.activation.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;
  private final ActivationConfig config;

  WebhookSender(HttpClient http, ObjectMapper json, Clock clock, ActivationConfig config) {
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
  public Outcome send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    try {
      String body =
          d.message().body() != null
              ? d.message().body()
              : json.writeValueAsString(d.message().document());
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(destination.string("url")))
              .timeout(destination.timeout(config.delivery().timeout()))
              .header("Content-Type", destination.string("contentType", "application/json"))
              .header("Idempotency-Key", d.id())
              .header("X-CDP-Timestamp", timestamp)
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (destination.secret() != null) {
        request.header("X-CDP-Signature", "sha256=" + sign(destination.secret(), timestamp, body));
      }
      destination
          .map("headers")
          .forEach(
              (name, value) -> {
                if (value != null && !RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                  request.header(name, value.toString());
                }
              });
      HttpResponse<Void> response =
          http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return Outcome.ofHttp(response.statusCode(), DeliveryResult.Status.DELIVERED);
    } catch (HttpTimeoutException e) {
      return Outcome.retryable("timeout");
    } catch (IOException e) {
      return Outcome.retryable("I/O " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retryable("interrupted");
    } catch (IllegalArgumentException e) {
      return Outcome.permanent("invalid request: " + e.getClass().getSimpleName());
    }
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
