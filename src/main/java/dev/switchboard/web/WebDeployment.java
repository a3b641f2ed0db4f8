package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ServerKeys;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * One web application's running Switchboard, from the context's initialization to its end. The
 * {@link SwitchboardInitializer} builds it, registers the servlets and adds it as a listener; once
 * the context is initialized (every initializer has run, so the container's {@code ServerContainer}
 * is there) it registers the WebSocket endpoints, publishes the assembly ({@link Deployments}, the
 * context attribute {@code dev.switchboard.assembly.ServerAssembly}) and tells every {@link
 * DeploymentHook}.
 *
 * <p>It stops once: when the endpoint-paths servlet is taken out of service (servlets go before the
 * context's listeners hear of its end, and some containers close every WebSocket session themselves
 * in between) or, if that did not happen, when the context is destroyed.
 */
final class WebDeployment implements ServletContextListener {
  private static final System.Logger LOG = System.getLogger(WebDeployment.class.getName());
  private static final String ASSEMBLY_ATTRIBUTE = ServerAssembly.class.getName();

  /** Bounds the hook lookup if a broken provider made the service iterator fail for ever. */
  private static final int MAX_HOOK_ERRORS = 100;

  private final ServletContext ctx;
  private final ClassLoader application;
  private final String hubPath;
  private final boolean echo;

  /** Guarded by {@code this}; null once stopped. */
  private @Nullable ServerAssembly assembly;

  /** Guarded by {@code this}; the hooks told of the start, in order. */
  private final List<DeploymentHook> hooks = new ArrayList<>();

  WebDeployment(
      ServletContext ctx,
      ClassLoader application,
      ServerAssembly assembly,
      String hubPath,
      boolean echo) {
    this.ctx = ctx;
    this.application = application;
    this.assembly = assembly;
    this.hubPath = hubPath;
    this.echo = echo;
  }

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServerAssembly a;
    synchronized (this) {
      a = assembly;
    }
    if (a == null) {
      return;
    }
    try {
      register(a);
      ctx.setAttribute(ASSEMBLY_ATTRIBUTE, a);
      Deployments.started(application, a);
      for (DeploymentHook hook : hooks()) {
        if (started(hook, a)) {
          synchronized (this) {
            hooks.add(hook);
          }
        }
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    LOG.log(
        Level.INFO,
        "Switchboard "
            + ServerAssembly.version()
            + " started at context path '"
            + ctx.getContextPath()
            + "'");
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    stop();
  }

  private void register(ServerAssembly a) {
    ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
    if (container == null) {
      throw new IllegalStateException(
          "this container offers no Jakarta WebSocket ServerContainer; Switchboard cannot run"
              + " here");
    }
    a.endpoints().prepare(container);
    try {
      for (ServerEndpointConfig endpoint : a.endpoints().configs(hubPath, echo)) {
        container.addEndpoint(endpoint);
      }
    } catch (DeploymentException e) {
      throw new IllegalStateException("WebSocket endpoint registration failed", e);
    }
  }

  /**
   * Stops gracefully within {@code shutdown.timeout} ({@link ServerAssembly#stopGracefully}): not
   * ready for {@code shutdown.drain}, then every client closed with 1012 "server shutting down"
   * spread over {@code shutdown.spread} (new ones at once), and stops the assembly; the first
   * caller does it, later calls do nothing. Hooks hear of it first, in the reverse order of their
   * start.
   */
  void stop() {
    ServerAssembly a;
    List<DeploymentHook> told;
    synchronized (this) {
      a = assembly;
      if (a == null) {
        return;
      }
      assembly = null;
      told = new ArrayList<>(hooks);
      hooks.clear();
    }
    for (int i = told.size() - 1; i >= 0; i--) {
      stopping(told.get(i), a);
    }
    ctx.removeAttribute(ASSEMBLY_ATTRIBUTE);
    try {
      // The container owns the port: new connections reach the hub, which closes them with 1012.
      a.stopGracefully(a.config().get(ServerKeys.SHUTDOWN_TIMEOUT), () -> {});
    } finally {
      a.close();
      Deployments.stopped(application);
    }
    LOG.log(Level.INFO, "Switchboard stopped at context path '" + ctx.getContextPath() + "'");
  }

  /**
   * The hooks the application's class loader offers. One whose class cannot load there (the CDI
   * hook on a container without CDI) is skipped with a warning.
   */
  private List<DeploymentHook> hooks() {
    List<DeploymentHook> found = new ArrayList<>();
    Iterator<DeploymentHook> it = ServiceLoader.load(DeploymentHook.class, application).iterator();
    for (int errors = 0; errors < MAX_HOOK_ERRORS; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        errors++;
        skipped("a deployment hook that cannot load here", e);
      }
    }
    return found;
  }

  /** Tells {@code hook} of the start; false when its classes cannot run here (it is skipped). */
  private boolean started(DeploymentHook hook, ServerAssembly a) {
    try {
      hook.started(ctx, a);
      return true;
    } catch (LinkageError e) {
      skipped(hook.getClass().getName(), e);
      return false;
    }
  }

  private void stopping(DeploymentHook hook, ServerAssembly a) {
    try {
      hook.stopping(ctx, a);
    } catch (RuntimeException | LinkageError e) {
      // Stopping goes on: the assembly must close whatever one hook did.
      LOG.log(Level.WARNING, "Switchboard: deployment hook " + hook.getClass().getName(), e);
    }
  }

  private static void skipped(String what, Throwable e) {
    LOG.log(Level.WARNING, "Switchboard: skipping " + what + " (" + e + ")");
  }
}
