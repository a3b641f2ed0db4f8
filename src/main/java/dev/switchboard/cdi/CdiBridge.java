package dev.switchboard.cdi;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEventListener;
import dev.switchboard.hub.Hub;
import jakarta.enterprise.inject.spi.BeanManager;
import java.time.Duration;

/**
 * Joins a running Switchboard to an application's CDI container: the application's {@link
 * Decisions} beans decide what clients do ({@link BeanDecisions}) and the hub's events are fired as
 * CDI events ({@link EventRelay}). Needs only a {@link BeanManager}, so it installs the same way in
 * a web application ({@link CdiDeploymentHook}) and in a test's CDI SE container.
 */
public final class CdiBridge implements AutoCloseable {
  /** How long {@link #close()} waits for queued events to reach their observers. */
  public static final Duration DRAIN = Duration.ofSeconds(5);

  private final Hub hub;
  private final BeanDecisions decisions;
  private final EventRelay events;

  private CdiBridge(Hub hub, BeanDecisions decisions, EventRelay events) {
    this.hub = hub;
    this.decisions = decisions;
    this.events = events;
  }

  /**
   * Sets the hub of {@code assembly} to ask the application's {@link Decisions} beans and to fire
   * its events into {@code beans}, running both with {@code application} as the context class
   * loader. Replaces whatever decisions and listener the hub had.
   */
  public static CdiBridge install(
      BeanManager beans, ServerAssembly assembly, ClassLoader application) {
    return install(beans, assembly.hub(), application, EventRelay.CAPACITY);
  }

  static CdiBridge install(BeanManager beans, Hub hub, ClassLoader application, int capacity) {
    BeanDecisions decisions = new BeanDecisions(beans, application);
    EventRelay events = new EventRelay(beans, application, capacity, hub.metrics()::eventDropped);
    hub.decideWith(decisions);
    hub.listen(events);
    return new CdiBridge(hub, decisions, events);
  }

  /** Events dropped because observers fell more than the queue's capacity behind. */
  public long droppedEvents() {
    return events.dropped();
  }

  BeanDecisions decisions() {
    return decisions;
  }

  EventRelay events() {
    return events;
  }

  /**
   * Gives the hub back its defaults (allow everything, tell no one), then delivers the events
   * already queued, waiting at most {@link #DRAIN}.
   */
  @Override
  public void close() {
    hub.listen(HubEventListener.NONE);
    hub.decideWith(Decisions.ALLOW_ALL);
    events.close(DRAIN);
  }
}
