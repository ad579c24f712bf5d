package org.opencdp.contracts;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Jackson reads and writes the instants of our messages ({@code EventEnvelope} has four) through
 * {@link IsoInstants} instead of {@code DateTimeFormatter.ISO_INSTANT}; the JavaTimeModule handles
 * whatever that does not (other forms, numbers, years beyond 9999), so the JSON read and written
 * does not change. Register {@link #module()} after the JavaTimeModule: a later module wins.
 */
public final class InstantJson {
  private InstantJson() {}

  public static SimpleModule module() {
    return new SimpleModule("iso-instants")
        .addDeserializer(Instant.class, new Reader())
        .addSerializer(Instant.class, new Writer());
  }

  /** Reads instants, {@link IsoInstants#parseCommonForm} first. */
  public static final class Reader extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    public Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        Instant fast = IsoInstants.parseCommonForm(p.getText());
        if (fast != null) {
          return fast;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }
  }

  /** Writes instants as text in {@link Instant#toString()}'s form, as ISO_INSTANT does. */
  public static final class Writer extends StdSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    public Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant instant, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
        InstantSerializer.INSTANCE.serialize(instant, generator, provider); // numbers: not ours
        return;
      }
      char[] text = new char[IsoInstants.MAX_LENGTH];
      int length = IsoInstants.format(instant, text);
      if (length < 0) {
        generator.writeString(DateTimeFormatter.ISO_INSTANT.format(instant));
      } else {
        generator.writeString(text, 0, length);
      }
    }
  }
}
