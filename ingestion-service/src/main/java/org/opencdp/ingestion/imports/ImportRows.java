package org.opencdp.ingestion.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an uploaded export into Segment messages, one per row. CSV columns named after message
 * fields ({@code userId}, {@code event}, {@code timestamp}...) fill them; {@code properties.x},
 * {@code traits.x} and {@code context.x} columns fill those objects; for profile imports every
 * other column is a trait. CSV values that look like numbers or booleans become numbers or
 * booleans.
 */
final class ImportRows {
  private static final Set<String> MESSAGE_FIELDS =
      Set.of(
          "type",
          "userId",
          "anonymousId",
          "event",
          "name",
          "category",
          "messageId",
          "timestamp",
          "originalTimestamp",
          "groupId",
          "previousId");
  private static final Set<String> IDENTITY_FIELDS =
      Set.of("userId", "anonymousId", "messageId", "timestamp");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9]\\d{0,17})(\\.\\d+)?");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

  private ImportRows() {}

  /** One row: its 1-based number, and either the message or why it could not be read. */
  record Row(int number, ObjectNode message, int bytes, String error) {}

  static List<Row> read(
      ImportJob.Format format, ImportJob.Kind kind, String jobId, String content) {
    List<Row> rows = format == ImportJob.Format.CSV ? csv(content) : ndjson(content);
    List<Row> messages = new ArrayList<>(rows.size());
    for (Row row : rows) {
      if (row.message() == null) {
        messages.add(row);
        continue;
      }
      ObjectNode message =
          kind == ImportJob.Kind.PROFILES ? identify(row.message()) : row.message();
      if (!message.hasNonNull("messageId")) {
        // Deterministic: a resumed job re-sends the same ids, which dedup drops.
        message.put("messageId", "import-" + jobId + "-" + row.number());
      }
      messages.add(new Row(row.number(), message, row.bytes(), null));
    }
    return messages;
  }

  private static List<Row> ndjson(String content) {
    List<Row> rows = new ArrayList<>();
    String[] lines = content.split("\r?\n", -1);
    int number = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      number++;
      int bytes = line.getBytes(StandardCharsets.UTF_8).length;
      try {
        JsonNode node = JSON.readTree(line);
        rows.add(
            node instanceof ObjectNode object
                ? new Row(number, object, bytes, null)
                : new Row(number, null, bytes, "The line is not a JSON object."));
      } catch (IOException e) {
        rows.add(new Row(number, null, bytes, "The line is not valid JSON."));
      }
    }
    return rows;
  }

  private static List<Row> csv(String content) {
    List<Row> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(content)) {
      int number = 0;
      while (it.hasNextValue()) {
        number++;
        Map<String, String> record = it.nextValue();
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        int bytes = 0;
        for (Map.Entry<String, String> cell : record.entrySet()) {
          String value = cell.getValue();
          if (value == null || value.isEmpty()) {
            continue;
          }
          bytes += cell.getKey().length() + value.length() + 4;
          put(message, cell.getKey().trim(), value);
        }
        rows.add(new Row(number, message, bytes, null));
      }
    } catch (IOException | RuntimeException e) {
      rows.add(new Row(rows.size() + 1, null, 0, "The CSV cannot be read past this row."));
    }
    return rows;
  }

  private static void put(ObjectNode message, String column, String value) {
    int dot = column.indexOf('.');
    if (dot > 0) {
      String object = column.substring(0, dot);
      if (object.equals("properties") || object.equals("traits") || object.equals("context")) {
        ObjectNode target =
            message.has(object) ? (ObjectNode) message.get(object) : message.putObject(object);
        target.set(column.substring(dot + 1), typed(value));
        return;
      }
    }
    message.set(
        column,
        MESSAGE_FIELDS.contains(column) ? JsonNodeFactory.instance.textNode(value) : typed(value));
  }

  private static JsonNode typed(String value) {
    if (NUMBER.matcher(value).matches()) {
      return JsonNodeFactory.instance.numberNode(new BigDecimal(value));
    }
    if (value.equals("true") || value.equals("false")) {
      return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
    }
    return JsonNodeFactory.instance.textNode(value);
  }

  /** A profile row becomes an identify call: ids stay ids, everything else is a trait. */
  private static ObjectNode identify(ObjectNode row) {
    ObjectNode message = JsonNodeFactory.instance.objectNode();
    message.put("type", "identify");
    ObjectNode traits =
        row.get("traits") instanceof ObjectNode given
            ? given.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    row.fields()
        .forEachRemaining(
            field -> {
              if (IDENTITY_FIELDS.contains(field.getKey()) || field.getKey().equals("context")) {
                message.set(field.getKey(), field.getValue());
              } else if (!field.getKey().equals("traits") && !field.getKey().equals("type")) {
                traits.set(field.getKey(), field.getValue());
              }
            });
    message.set("traits", traits);
    return message;
  }
}
