package dev.switchboard.testing;

import dev.switchboard.client.ConnectionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records a Java client's connection events. */
public final class ClientEvents implements ConnectionListener {
  public final List<String> seen = new CopyOnWriteArrayList<>();

  @Override
  public void onConnected() {
    seen.add("connected");
  }

  @Override
  public void onDisconnected(int code, String reason) {
    seen.add("disconnected " + code);
  }

  @Override
  public void onReconnecting(int attempt, Duration delay) {
    seen.add("reconnecting " + attempt);
  }

  @Override
  public void onClosed(int code, String reason) {
    seen.add("closed " + code);
  }
}
