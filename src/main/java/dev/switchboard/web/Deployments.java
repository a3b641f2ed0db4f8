package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The Switchboard running in each web application of this JVM, by the application's class loader:
 * how code the container calls outside any request (a CDI producer, an EJB timer) finds it. In a
 * WAR the library's classes belong to the application, so this holds one entry; the key keeps two
 * applications apart where the library is shared (an EAR's lib).
 */
public final class Deployments {
  private static final Map<ClassLoader, ServerAssembly> RUNNING = new ConcurrentHashMap<>();

  private Deployments() {}

  static void started(ClassLoader application, ServerAssembly assembly) {
    RUNNING.put(application, assembly);
  }

  static void stopped(ClassLoader application) {
    RUNNING.remove(application);
  }

  /**
   * The Switchboard of the application {@code loader} belongs to: registered under it or one of its
   * parents; else the only one running, if there is exactly one.
   */
  public static @Nullable ServerAssembly of(@Nullable ClassLoader loader) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      ServerAssembly a = RUNNING.get(l);
      if (a != null) {
        return a;
      }
    }
    if (RUNNING.size() == 1) {
      return RUNNING.values().iterator().next();
    }
    return null;
  }
}
