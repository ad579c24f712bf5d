package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A parsed tracking call: the messages it carries with their decompressed sizes, plus the
 * batch-level fields SDKs send once for all messages.
 */
public record TrackingRequest(
    String bodyWriteKey, ObjectNode batchContext, String batchSentAt, List<RawMessage> messages) {

  /**
   * One message of the request as sent, with its index in the batch and its size in bytes; {@code
   * json} is null when the batch entry was not a JSON object.
   */
  public record RawMessage(int index, ObjectNode json, int bytes) {}
}
