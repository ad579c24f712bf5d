package org.opencdp.ingestion.tracking;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.opencdp.ingestion.config.GatewayConfig;

/**
 * Refuses an oversized tracking call from its Content-Length before the body is read, so the large
 * limit that bulk imports need never lets a tracking call fill memory. Bodies without a length
 * (chunked) are bounded while decompressing instead.
 */
@ApplicationScoped
class TrackingBodyLimit {
  private final GatewayConfig config;

  TrackingBodyLimit(GatewayConfig config) {
    this.config = config;
  }

  void install(@Observes Router router) {
    router
        .route("/v1/*")
        .order(-100)
        .handler(
            context -> {
              String length = context.request().getHeader("Content-Length");
              if (length != null && tooLong(length)) {
                context
                    .response()
                    .setStatusCode(413)
                    .putHeader("Content-Type", "application/problem+json")
                    .end(
                        "{\"type\":\"about:blank\",\"title\":\"Payload Too Large\",\"status\":413,"
                            + "\"detail\":\"The request body exceeds "
                            + config.maxBatchBytes()
                            + " bytes.\"}");
              } else {
                context.next();
              }
            });
  }

  private boolean tooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > config.maxBatchBytes();
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
