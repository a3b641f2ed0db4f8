package dev.switchboard.cdi;

import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.hooks.RpcReply;
import dev.switchboard.protocol.Payload;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The application's {@link Decisions} beans as one ({@link Decisions#inOrder}): none allows
 * everything; several must all allow (the first deny wins), rewrites chain, grants merge. Beans are
 * asked in {@code @Priority} order, lowest first, then those without one by class name.
 *
 * <p>The beans are looked up on first use, not at start (the application's beans may not be ready
 * when Switchboard starts), then kept. Each call runs with the application's class loader as the
 * thread's context loader, on the thread that reads the client's messages.
 */
final class BeanDecisions implements Decisions {
  private final BeanManager beans;
  private final ClassLoader application;

  /** The beans, in the order they are asked; null until first use. Replaced whole. */
  private volatile @Nullable List<Decisions> resolved;

  /** {@link #resolved} as one decider; null until first use. */
  private volatile @Nullable Decisions chain;

  BeanDecisions(BeanManager beans, ClassLoader application) {
    this.beans = beans;
    this.application = application;
  }

  @Override
  public Decision connect(Client client) {
    return inApplication(() -> chain().connect(client));
  }

  @Override
  public Decision subscribe(Client client, String channel) {
    return inApplication(() -> chain().subscribe(client, channel));
  }

  @Override
  public PublishDecision publish(Client client, String channel, Payload payload) {
    return inApplication(() -> chain().publish(client, channel, payload));
  }

  /** The first bean's answer that is not {@link RpcReply.NotHandled}. */
  @Override
  public RpcReply rpc(Client client, String method, Payload data) {
    return inApplication(() -> chain().rpc(client, method, data));
  }

  @Override
  public RefreshDecision refresh(Client client) {
    return inApplication(() -> chain().refresh(client));
  }

  /** The beans as one ({@link Decisions#inOrder}), looked up now if not yet. */
  private Decisions chain() {
    Decisions c = chain;
    if (c == null) {
      c = Decisions.inOrder(resolved());
      chain = c;
    }
    return c;
  }

  /** The beans in the order they are asked (looked up now if not yet). */
  List<Decisions> resolved() {
    List<Decisions> r = resolved;
    if (r == null) {
      // Two threads may both look up: they find the same beans, and one list wins.
      r = lookUp();
      resolved = r;
    }
    return r;
  }

  private List<Decisions> lookUp() {
    List<Bean<?>> found = new ArrayList<>(beans.getBeans(Decisions.class, Any.Literal.INSTANCE));
    found.sort(
        Comparator.comparingInt(BeanDecisions::priority)
            .thenComparing(b -> b.getBeanClass().getName()));
    List<Decisions> out = new ArrayList<>(found.size());
    for (Bean<?> bean : found) {
      out.add(
          (Decisions)
              beans.getReference(bean, Decisions.class, beans.createCreationalContext(bean)));
    }
    return List.copyOf(out);
  }

  private static int priority(Bean<?> bean) {
    Priority p = bean.getBeanClass().getAnnotation(Priority.class);
    return p == null ? Integer.MAX_VALUE : p.value();
  }

  private <T> T inApplication(Supplier<T> call) {
    List<Decisions> known = resolved;
    if (known != null && known.isEmpty()) {
      // No Decisions bean: the answer is "allow", and the context loader need not change.
      return call.get();
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (previous == application) {
      return call.get();
    }
    thread.setContextClassLoader(application);
    try {
      return call.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
