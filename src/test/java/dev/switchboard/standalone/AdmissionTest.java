package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The handshake gate on a clock the test moves: exact counts, no waiting. */
class AdmissionTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** Admits one connection each from fresh addresses until refused; returns how many got in. */
  private static int admitUntilRefused(Admission gate, String prefix) {
    for (int i = 0; ; i++) {
      Admission.Refusal refusal = gate.admit(prefix + i);
      if (refusal != null) {
        assertThat(refusal).isEqualTo(Admission.Refusal.RATE);
        return i;
      }
    }
  }

  @Test
  void aBurstOfTwiceTheRatePassesThenOneConnectionPerRefilledToken() {
    Admission gate = new Admission(1000, 1000, 2, now::get);

    assertThat(admitUntilRefused(gate, "a")).isEqualTo(4);
    assertThat(gate.admit("late")).isEqualTo(Admission.Refusal.RATE);

    advance(Duration.ofMillis(400)); // 0.8 of a token at two a second
    assertThat(gate.admit("early")).isEqualTo(Admission.Refusal.RATE);
    advance(Duration.ofMillis(200)); // 1.2
    assertThat(gate.admit("refilled")).isNull();
    assertThat(gate.admit("again")).isEqualTo(Admission.Refusal.RATE); // 0.2 left

    advance(Duration.ofMinutes(1)); // a long pause refills the bucket only up to the burst
    assertThat(admitUntilRefused(gate, "b")).isEqualTo(4);
    assertThat(gate.total()).isEqualTo(9);
  }

  @Test
  void refusedHandshakesUseNoToken() {
    Admission gate = new Admission(1000, 1, 1, now::get);
    assertThat(gate.admit("x")).isNull();
    assertThat(gate.admit("x")).isEqualTo(Admission.Refusal.PER_IP);
    assertThat(gate.admit("y")).isNull(); // the second token is still there
    assertThat(gate.admit("z")).isEqualTo(Admission.Refusal.RATE);
  }

  @Test
  void theLimitsOnTotalAndPerAddressHoldUntilAConnectionIsReleased() {
    Admission gate = new Admission(3, 2, 1000, now::get);
    assertThat(gate.admit("p")).isNull();
    assertThat(gate.admit("p")).isNull();
    assertThat(gate.admit("p")).isEqualTo(Admission.Refusal.PER_IP);
    assertThat(gate.admit("q")).isNull();
    assertThat(gate.admit("r")).isEqualTo(Admission.Refusal.FULL);

    gate.release("p");
    assertThat(gate.total()).isEqualTo(2);
    assertThat(gate.admit("r")).isNull();
    assertThat(gate.admit("p")).isEqualTo(Admission.Refusal.FULL);
  }
}
