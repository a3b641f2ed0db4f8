package dev.switchboard.cdi;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEventListener;
import dev.switchboard.hub.Hub;
import jakarta.enterprise.inject.spi.BeanManager;
import java.time.Duration;
import java.util.List;

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

  /** What the hub decided with before: the backend's ({@code proxy.*}) or nothing. */
  private final Decisions before;

  private CdiBridge(Hub hub, BeanDecisions decisions, EventRelay events, Decisions before) {
    this.hub = hub;
    this.decisions = decisions;
    this.events = events;
    this.before = before;
  }

  /**
   * Sets the hub of {@code assembly} to ask the application's {@link Decisions} beans and to fire
   * its events into {@code beans}, running both with {@code application} as the context class
   * loader. The beans are asked first, then the backend when {@code proxy.*} URLs are set ({@link
   * Decisions#inOrder}: a deny from either denies; an rpc the beans do not handle goes to the
   * backend). Replaces the listener the hub had.
   */
  public static CdiBridge install(
      BeanManager beans, ServerAssembly assembly, ClassLoader application) {
    Decisions proxy = assembly.proxy();
    return install(
        beans,
        assembly.hub(),
        application,
        EventRelay.CAPACITY,
        proxy == null ? Decisions.ALLOW_ALL : proxy);
  }

  /**
   * @param before the decisions the hub has without the beans (asked after them), or {@link
   *     Decisions#ALLOW_ALL}
   */
  static CdiBridge install(
      BeanManager beans, Hub hub, ClassLoader application, int capacity, Decisions before) {
    BeanDecisions decisions = new BeanDecisions(beans, application);
    EventRelay events = new EventRelay(beans, application, capacity, hub.metrics()::eventDropped);
    hub.decideWith(
        before == Decisions.ALLOW_ALL ? decisions : Decisions.inOrder(List.of(decisions, before)));
    hub.listen(events);
    return new CdiBridge(hub, decisions, events, before);
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
   * Gives the hub back what it had before (the backend's decisions or none; tell no one), then
   * delivers the events already queued, waiting at most {@link #DRAIN}.
   */
  @Override
  public void close() {
    hub.listen(HubEventListener.NONE);
    hub.decideWith(before);
    events.close(DRAIN);
  }
}
