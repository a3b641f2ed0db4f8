package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.client.Message;
import dev.switchboard.client.SubscriptionListener;
import dev.switchboard.client.SwitchboardException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a Java client's subscription hears. */
public final class ClientRecorder implements SubscriptionListener {
  public final List<Message> messages = new CopyOnWriteArrayList<>();
  public final LinkedBlockingQueue<String> subscribed = new LinkedBlockingQueue<>();

  /** The server's refusals of the subscription (onError). */
  public final LinkedBlockingQueue<SwitchboardException> errors = new LinkedBlockingQueue<>();

  /** The server's reasons for ending the subscription (onUnsubscribed). */
  public final LinkedBlockingQueue<SwitchboardException> unsubscribed = new LinkedBlockingQueue<>();

  @Override
  public void onMessage(Message m) {
    messages.add(m);
  }

  @Override
  public void onSubscribed(boolean recovered, String reason) {
    subscribed.add(recovered ? "recovered" : "lost: " + reason);
  }

  @Override
  public void onError(SwitchboardException error) {
    errors.add(error);
  }

  @Override
  public void onUnsubscribed(SwitchboardException reason) {
    unsubscribed.add(reason);
  }

  /** The next subscribe outcome: "recovered" or "lost: reason"; fails after 20 s. */
  public String nextSubscribed() throws InterruptedException {
    String s = subscribed.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a subscribe outcome within 20 s").isNotNull();
    return s;
  }
}
