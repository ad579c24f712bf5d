package org.opencdp.ingestion.publish;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.contracts.EventEnvelope;

/**
 * Serialises the envelopes of one request for Kafka: the same JSON as the application's {@code
 * ObjectMapper}, cheaper. One generator serves the whole request (a new one per event was a tenth
 * of the cost), and instants are written by hand instead of through {@link
 * DateTimeFormatter#ISO_INSTANT} (four per event, the largest single cost of serialising one).
 */
public final class EnvelopeWriter {
  private final ObjectWriter writer;

  public EnvelopeWriter(ObjectMapper mapper) {
    this.writer =
        mapper
            .copy()
            .registerModule(
                new SimpleModule("gateway-envelopes")
                    .addSerializer(Instant.class, new IsoInstant()))
            .writerFor(EventEnvelope.class)
            .withRootValueSeparator(""); // values are cut apart after each one
  }

  /** Each envelope's JSON, in order. */
  public List<byte[]> write(List<EventEnvelope> events) {
    List<byte[]> values = new ArrayList<>(events.size());
    ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
    try (JsonGenerator generator = writer.createGenerator(buffer)) {
      for (EventEnvelope event : events) {
        writer.writeValue(generator, event);
        generator.flush();
        values.add(buffer.toByteArray());
        buffer.reset();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("An accepted event could not be serialised", e);
    }
    return values;
  }

  /** {@link Instant#toString()}'s form, for the years 0-9999 (others through the JDK). */
  static final class IsoInstant extends StdSerializer<Instant> {
    IsoInstant() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant instant, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      char[] text = new char[30];
      int length = format(instant, text);
      if (length < 0) {
        generator.writeString(DateTimeFormatter.ISO_INSTANT.format(instant));
      } else {
        generator.writeString(text, 0, length);
      }
    }

    /** Writes {@code yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z}; -1 when the year is out of range. */
    static int format(Instant instant, char[] out) {
      long seconds = instant.getEpochSecond();
      long days = Math.floorDiv(seconds, 86_400);
      int secondOfDay = (int) Math.floorMod(seconds, 86_400);
      // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
      long shifted = days + 719_468;
      long era = Math.floorDiv(shifted, 146_097);
      long dayOfEra = shifted - era * 146_097;
      long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
      long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
      long monthIndex = (5 * dayOfYear + 2) / 153;
      int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
      int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
      long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
      if (year < 0 || year > 9999) {
        return -1;
      }
      put(out, 0, (int) year, 4);
      out[4] = '-';
      put(out, 5, month, 2);
      out[7] = '-';
      put(out, 8, day, 2);
      out[10] = 'T';
      put(out, 11, secondOfDay / 3600, 2);
      out[13] = ':';
      put(out, 14, secondOfDay / 60 % 60, 2);
      out[16] = ':';
      put(out, 17, secondOfDay % 60, 2);
      int length = 19;
      int nanos = instant.getNano();
      if (nanos > 0) {
        out[length++] = '.';
        if (nanos % 1_000_000 == 0) {
          put(out, length, nanos / 1_000_000, 3);
          length += 3;
        } else if (nanos % 1000 == 0) {
          put(out, length, nanos / 1000, 6);
          length += 6;
        } else {
          put(out, length, nanos, 9);
          length += 9;
        }
      }
      out[length++] = 'Z';
      return length;
    }

    private static void put(char[] out, int at, int value, int digits) {
      for (int i = at + digits - 1; i >= at; i--) {
        out[i] = (char) ('0' + value % 10);
        value /= 10;
      }
    }
  }
}
