package org.opencdp.activation.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The rendered content of one delivery, stored with it so every retry sends the same thing.
 *
 * @param to email address, phone number or hashed audience member (channel dependent)
 * @param document the JSON document sent to webhooks and Kafka topics
 * @param op {@code add} or {@code remove} for audience sync
 * @param links original targets of tracked links, by index
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
    String to,
    String subject,
    String body,
    Map<String, Object> document,
    String op,
    List<String> links,
    String unsubscribeUrl) {}
