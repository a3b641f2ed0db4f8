package dev.switchboard.client;

import java.util.List;

/**
 * Who is subscribed to a channel, as {@link SwitchboardClient#presence} read it.
 *
 * @param members one per subscribed connection
 */
public record Presence(List<Member> members) {
  public Presence {
    members = List.copyOf(members);
  }
}
