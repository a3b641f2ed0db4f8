package dev.switchboard.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback encoder that writes each record as one JSON object on one line ({@code
 * log.format=json}):
 *
 * <pre>
 * {"time":"2026-12-01T10:15:30.123Z","level":"INFO","logger":"switchboard.access",
 *  "thread":"grizzly-http-server-1","message":"path=/ws ...","mdc":{...},"kv":{...},
 *  "exception":"java.io.IOException: ...\n\tat ..."}
 * </pre>
 *
 * <p>{@code time} is UTC in ISO-8601 with milliseconds; {@code mdc}, {@code kv} (SLF4J key-value
 * pairs, as strings) and {@code exception} (the stack trace as text) appear only when present.
 * Usable from a Logback configuration of one's own as {@code <encoder
 * class="dev.switchboard.cli.JsonLogEncoder"/>}. Thread-safe: it keeps no state per record.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();

  /** UTC, always with milliseconds, so the field has one width and sorts as text. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Room for a typical record without growing the buffer. */
  private static final int INITIAL_BYTES = 256;

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BYTES);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", TIME.format(event.getInstant()));
      g.writeStringField("level", event.getLevel().toString());
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      g.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null && !mdc.isEmpty()) {
        g.writeObjectFieldStart("mdc");
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      List<KeyValuePair> kvs = event.getKeyValuePairs();
      if (kvs != null && !kvs.isEmpty()) {
        g.writeObjectFieldStart("kv");
        for (KeyValuePair kv : kvs) {
          g.writeStringField(kv.key, String.valueOf(kv.value));
        }
        g.writeEndObject();
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }
}
