package org.opencdp.activation.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.AddressGuard;
import org.opencdp.activation.destination.Destination;
import org.opencdp.contracts.DeliveryResult;

/**
 * Non-blocking HTTP POSTs for webhook, SMS and audience destinations (Vert.x HTTP client: no thread
 * waits on a call). Each destination has its own connection pool, sized like its lane's in-flight
 * limit, so one destination's connections never serve or starve another's. The connection goes to
 * the address the SSRF guard checked right before the call (never to a fresh lookup).
 */
@ApplicationScoped
public class HttpCalls {
  private record Pool(HttpClient client, Instant version) {}

  private final Vertx vertx;
  private final AddressGuard guard;
  private final int defaultConcurrency;
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();

  HttpCalls(Vertx vertx, AddressGuard guard, ActivationConfig config) {
    this.vertx = vertx;
    this.guard = guard;
    this.defaultConcurrency = config.delivery().concurrency();
  }

  /**
   * POSTs {@code body}; the outcome follows {@link Outcome#ofHttp} (timeouts and I/O errors are
   * retryable) of the response status; the body is discarded unread. Never completes exceptionally.
   */
  CompletionStage<Outcome> post(
      Destination destination,
      String url,
      Map<String, String> headers,
      String body,
      Duration timeout,
      DeliveryResult.Status onSuccess) {
    AddressGuard.Target target = guard.checkUrl(url);
    if (target.refusal() != null) {
      return CompletableFuture.completedFuture(Outcome.permanent(Dispatcher.ADDRESS_REFUSED));
    }
    if (target.unresolved()) {
      return CompletableFuture.completedFuture(Outcome.retryable("I/O UnknownHostException"));
    }
    InetAddress address = target.address();
    RequestOptions options;
    try {
      URI uri = URI.create(url);
      options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(url)
              .setFollowRedirects(false)
              // waiting for a pooled connection is bounded too, not only the call itself
              .setConnectTimeout(timeout.toMillis())
              .setTimeout(timeout.toMillis());
      if (address != null) {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        options.setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)));
      }
      headers.forEach(options::putHeader);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          Outcome.permanent("invalid request: " + e.getClass().getSimpleName()));
    }
    return client(destination)
        .request(options)
        .compose(request -> request.send(body))
        // the status decides; the body is never read (Vert.x drops unread chunks), so no
        // late failure while reading it can turn an accepted call into a retry
        .map(response -> Outcome.ofHttp(response.statusCode(), onSuccess))
        .otherwise(HttpCalls::failure)
        .toCompletionStage();
  }

  private static Outcome failure(Throwable e) {
    if (e instanceof TimeoutException) {
      return Outcome.retryable("timeout");
    }
    if (e instanceof IllegalArgumentException) {
      return Outcome.permanent("invalid request: " + e.getClass().getSimpleName());
    }
    return Outcome.retryable("I/O " + e.getClass().getSimpleName());
  }

  private HttpClient client(Destination destination) {
    Pool pool =
        pools.compute(
            destination.id(),
            (id, existing) -> {
              if (existing != null && existing.version().equals(destination.version())) {
                return existing;
              }
              if (existing != null) {
                existing.client().close();
              }
              return new Pool(
                  create(Dispatcher.inFlightLimit(destination, 1, defaultConcurrency)),
                  destination.version());
            });
    return pool.client();
  }

  private HttpClient create(int connections) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(5_000)
            .setIdleTimeout(60)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  @PreDestroy
  void close() {
    pools.values().forEach(p -> p.client().close());
    pools.clear();
  }
}
