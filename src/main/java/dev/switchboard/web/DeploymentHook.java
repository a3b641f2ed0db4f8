package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import jakarta.servlet.ServletContext;

/**
 * Told when Switchboard starts and stops in a web application: how an integration that may be
 * absent (CDI, on a servlet container without it) joins in. Found with {@link
 * java.util.ServiceLoader} in the application's class loader; a hook whose classes cannot load
 * there (no CDI API) is skipped.
 */
public interface DeploymentHook {

  /** Switchboard started in {@code context}; the hub accepts connections once this returns. */
  void started(ServletContext context, ServerAssembly assembly);

  /** Switchboard is stopping in {@code context}; called before the assembly closes. */
  default void stopping(ServletContext context, ServerAssembly assembly) {}
}
