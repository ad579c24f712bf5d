package org.opencdp.activation.delivery;

import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.contracts.DeliveryResult;

/**
 * Email over SMTP with the Vert.x mail client of Quarkus Mailer: Quarkus Mailer's own mailers are
 * configured statically, but destinations are created per workspace at run time, so each email
 * destination gets its own client (host, port, TLS, login from its settings, the password being the
 * destination secret). Adds {@code List-Unsubscribe} (RFC 8058 one-click) and a stable Message-ID.
 */
@ApplicationScoped
public class EmailSender implements Sender {
  private record Client(MailClient client, java.time.Instant version) {}

  private final Vertx vertx;
  private final Duration timeout;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  EmailSender(Vertx vertx, ActivationConfig config) {
    this.vertx = vertx;
    this.timeout = config.delivery().timeout();
  }

  @Override
  public DestinationType type() {
    return DestinationType.EMAIL;
  }

  @Override
  public CompletionStage<Outcome> send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    MailMessage mail =
        new MailMessage()
            .setFrom(destination.string("from"))
            .setTo(d.message().to())
            .setSubject(d.message().subject() == null ? "" : d.message().subject())
            .setHtml(d.message().body());
    io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    headers.add("Message-ID", "<" + d.id() + "@opencdp>");
    if (d.message().unsubscribeUrl() != null) {
      headers.add("List-Unsubscribe", "<" + d.message().unsubscribeUrl() + ">");
      headers.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    mail.setHeaders(headers);
    return client(destination)
        .sendMail(mail)
        .ifNoItem()
        .after(destination.timeout(timeout))
        .fail()
        .map(sent -> Outcome.success(DeliveryResult.Status.SENT))
        .onFailure()
        .recoverWithItem(e -> Outcome.retryable("SMTP " + e.getClass().getSimpleName()))
        .subscribeAsCompletionStage();
  }

  private MailClient client(Destination destination) {
    Client existing = clients.get(destination.id());
    if (existing != null && existing.version().equals(destination.version())) {
      return existing.client();
    }
    MailConfig mailConfig =
        new MailConfig()
            .setHostname(destination.string("host"))
            .setPort(destination.integer("port", 25))
            .setSsl(Boolean.parseBoolean(destination.string("ssl", "false")))
            .setStarttls(
                StartTLSOptions.valueOf(destination.string("startTls", "OPTIONAL").toUpperCase()))
            .setKeepAlive(true)
            .setMaxPoolSize(destination.integer("maxConcurrency", 8));
    if (destination.string("username") != null) {
      mailConfig
          .setLogin(LoginOption.REQUIRED)
          .setUsername(destination.string("username"))
          .setPassword(destination.secret());
    } else {
      mailConfig.setLogin(LoginOption.DISABLED);
    }
    MailClient client = MailClient.create(vertx, mailConfig);
    Client previous = clients.put(destination.id(), new Client(client, destination.version()));
    if (previous != null) {
      previous.client().closeAndForget();
    }
    return client;
  }

  @PreDestroy
  void close() {
    clients.values().forEach(c -> c.client().closeAndForget());
  }
}
