package dev.switchboard.cdi;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.web.DeploymentHook;
import jakarta.servlet.ServletContext;
import java.lang.System.Logger.Level;

/**
 * Installs the {@link CdiBridge} when Switchboard starts in a web application that has CDI, and
 * removes it when Switchboard stops. Listed in {@code META-INF/services}; on a container without
 * CDI (Tomcat, Jetty) it does nothing. This class names no CDI type itself, so it always loads:
 * {@link CdiLookup} does, and is linked only inside the guard below.
 */
public final class CdiDeploymentHook implements DeploymentHook {
  private static final System.Logger LOG = System.getLogger(CdiDeploymentHook.class.getName());

  /** The installed bridge is kept as a context attribute under this name until stopping. */
  static final String ATTRIBUTE = CdiBridge.class.getName();

  @Override
  public void started(ServletContext context, ServerAssembly assembly) {
    AutoCloseable bridge;
    try {
      bridge = CdiLookup.install(assembly, applicationLoader(context));
    } catch (LinkageError e) {
      LOG.log(Level.DEBUG, "no CDI API in this application: CDI events and decisions are off", e);
      return;
    }
    if (bridge == null) {
      // The server has the CDI API but no container for this application: worth saying, since
      // Decisions beans and observers the application may count on will not be asked.
      LOG.log(
          Level.INFO,
          "No CDI container for {0}: Switchboard fires no CDI events and asks no Decisions beans",
          context.getContextPath());
      return;
    }
    context.setAttribute(ATTRIBUTE, bridge);
    LOG.log(Level.INFO, "Switchboard joined CDI in {0}", context.getContextPath());
  }

  /**
   * The application's class loader. A listener the container did not find itself (one an
   * initializer added) may be refused {@code getClassLoader()}; the context loader the container
   * sets for the callback is the same loader.
   */
  private static ClassLoader applicationLoader(ServletContext context) {
    try {
      return context.getClassLoader();
    } catch (UnsupportedOperationException e) {
      ClassLoader tccl = Thread.currentThread().getContextClassLoader();
      return tccl != null ? tccl : CdiDeploymentHook.class.getClassLoader();
    }
  }

  @Override
  public void stopping(ServletContext context, ServerAssembly assembly) {
    if (context.getAttribute(ATTRIBUTE) instanceof AutoCloseable bridge) {
      context.removeAttribute(ATTRIBUTE);
      try {
        bridge.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "removing the CDI bridge failed", e);
      }
    }
  }
}
