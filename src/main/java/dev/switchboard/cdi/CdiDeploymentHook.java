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
      bridge = CdiLookup.install(assembly, context.getClassLoader());
    } catch (LinkageError e) {
      LOG.log(Level.DEBUG, "no CDI API in this application: CDI events and decisions are off", e);
      return;
    }
    if (bridge == null) {
      LOG.log(Level.DEBUG, "CDI is not enabled in this application: events and decisions are off");
      return;
    }
    context.setAttribute(ATTRIBUTE, bridge);
    LOG.log(Level.INFO, "Switchboard joined CDI in {0}", context.getContextPath());
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
