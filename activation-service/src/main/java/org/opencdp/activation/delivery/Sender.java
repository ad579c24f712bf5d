package org.opencdp.activation.delivery;

import java.util.List;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;

/** Sends deliveries to one kind of destination; called from that destination's own workers. */
public interface Sender {
  DestinationType type();

  /** Deliveries sent in one call (audience sync batches; other channels send one at a time). */
  default int batchSize(Destination destination) {
    return 1;
  }

  /** Sends the batch; one outcome for all of it. Never throws. */
  Outcome send(Destination destination, List<Delivery> batch);
}
