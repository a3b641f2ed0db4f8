package dev.switchboard.cdi;

import dev.switchboard.assembly.ServerAssembly;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import org.jspecify.annotations.Nullable;

/** Finds the application's CDI container; linked only where the CDI API is present. */
final class CdiLookup {
  private CdiLookup() {}

  /**
   * The bridge installed into the current CDI container, or null when the application has none
   * ({@code CDI.current()} finds no provider or no container for this application).
   */
  static @Nullable CdiBridge install(ServerAssembly assembly, ClassLoader application) {
    BeanManager beans;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(application);
    try {
      beans = CDI.current().getBeanManager();
    } catch (IllegalStateException e) {
      return null;
    } finally {
      thread.setContextClassLoader(previous);
    }
    return CdiBridge.install(beans, assembly, application);
  }
}
