package dev.switchboard.cdi;

import dev.switchboard.app.Channels;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@code @Inject Channels channels;} work in CDI beans, EJBs, JAX-RS resources and servlets.
 * The {@link Channels} it hands out finds the application's running Switchboard at each call, so it
 * can be injected before Switchboard starts; while none runs, every call fails with {@code
 * ChannelException} 109 (unavailable), "Switchboard is not running in this application".
 *
 * <p>{@code publishObject} writes a JSON-P {@code JsonValue} as its text and any other object
 * through JSON-B when the container has it (JSON-B annotations apply), else through Jackson.
 *
 * <p>Found by the container through the library's {@code META-INF/beans.xml}
 * (bean-discovery-mode="annotated").
 */
@ApplicationScoped
public class ChannelsProducer {
  private @Nullable JsonMapping mapping;
  private @Nullable Channels channels;

  /** Detects JSON-P and JSON-B once, with the application's class loader as context. */
  @PostConstruct
  void start() {
    JsonMapping m = JsonMapping.detect(ChannelsProducer.class.getClassLoader());
    mapping = m;
    channels = new RunningChannels(m, ChannelsProducer.class.getClassLoader());
  }

  /** The facade; one instance per application, safe to share between threads. */
  @Produces
  @Dependent
  public Channels channels() {
    Channels c = channels;
    if (c == null) {
      throw new IllegalStateException("ChannelsProducer was not initialised by the container");
    }
    return c;
  }

  @PreDestroy
  void stop() {
    JsonMapping m = mapping;
    if (m != null) {
      m.close();
    }
  }
}
