package org.opencdp.activation.delivery;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;

/**
 * Sends deliveries to one kind of destination, without blocking the caller: the lane of the
 * destination bounds how many calls are in flight.
 */
public interface Sender {
  DestinationType type();

  /** Deliveries sent in one call (audience sync batches; other channels send one at a time). */
  default int batchSize(Destination destination) {
    return 1;
  }

  /** Sends the batch; one outcome for all of it. Never throws nor completes exceptionally. */
  CompletionStage<Outcome> send(Destination destination, List<Delivery> batch);
}
