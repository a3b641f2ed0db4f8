package dev.switchboard.testing;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import java.util.ArrayList;
import java.util.List;

/** Records what a broker delivers; fails loudly on overlapping calls for one channel. */
public class RecordingHandler implements BrokerHandler {
  private final List<Publication> publications = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final List<String> interrupted = new ArrayList<>();
  private final java.util.Set<String> inside = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String overlap;

  @Override
  public void onPublication(Publication publication) {
    enter(publication.channel());
    synchronized (this) {
      publications.add(publication);
    }
    inside.remove(publication.channel());
  }

  @Override
  public void onJoin(String channel, ClientInfo client) {
    synchronized (this) {
      events.add("join " + channel + " " + client.client());
    }
  }

  @Override
  public void onLeave(String channel, ClientInfo client) {
    synchronized (this) {
      events.add("leave " + channel + " " + client.client());
    }
  }

  @Override
  public void onNodeCommand(NodeCommand command) {
    synchronized (this) {
      events.add("command " + command);
    }
  }

  @Override
  public void onInterrupted(String reason) {
    synchronized (this) {
      events.add("interrupted " + reason);
    }
  }

  @Override
  public void onInterrupted(java.util.Collection<String> channelsOrPatterns, String reason) {
    synchronized (this) {
      interrupted.addAll(channelsOrPatterns);
    }
  }

  /** The channels and patterns interrupted one by one so far, in order. */
  public synchronized List<String> interruptedChannels() {
    return List.copyOf(interrupted);
  }

  private void enter(String channel) {
    if (!inside.add(channel)) {
      overlap = channel;
    }
  }

  public synchronized List<Publication> publications() {
    return List.copyOf(publications);
  }

  public synchronized List<Publication> publications(String channel) {
    return publications.stream().filter(p -> p.channel().equals(channel)).toList();
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** A channel whose deliveries overlapped, or null. */
  public String overlap() {
    return overlap;
  }
}
