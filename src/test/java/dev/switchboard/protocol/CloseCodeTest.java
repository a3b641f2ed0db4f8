package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CloseCodeTest {

  @Test
  void applicationCodesBelow4500ReconnectAndAboveAreFinal() {
    assertThat(new CloseCode(4100, "x", true).reconnect()).isTrue();
    assertThat(new CloseCode(4600, "x", false).reconnect()).isFalse();
    assertThatThrownBy(() -> new CloseCode(4100, "x", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CloseCode(4600, "x", true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedCodesCannotBeSent() {
    for (int reserved : new int[] {999, 1004, 1005, 1006, 1015, 2000, 5000}) {
      assertThat(CloseCode.isSendable(reserved)).as("code %d", reserved).isFalse();
    }
    assertThatThrownBy(() -> new CloseCode(1006, "abnormal", true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knownCodesAreUniqueAndFindable() {
    Set<Integer> seen = new HashSet<>();
    for (CloseCode c : CloseCode.known()) {
      assertThat(seen.add(c.code())).isTrue();
      assertThat(CloseCode.of(c.code())).contains(c);
    }
    assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4000);
  }

  @Test
  void theProtocolDocsListEveryCodeTheServerSendsWithItsNameAndWhetherToReconnect()
      throws IOException {
    Pattern row = Pattern.compile("(?m)^\\| (\\d{4}) \\| `([a-z_]+)` \\| \\**(yes|no)");
    Matcher m = row.matcher(Files.readString(Path.of("docs/PROTOCOL.md")));
    Map<Integer, String> documented = new LinkedHashMap<>();
    while (m.find()) {
      documented.put(Integer.parseInt(m.group(1)), m.group(2) + " " + m.group(3));
    }
    Map<Integer, String> known = new LinkedHashMap<>();
    for (CloseCode c : CloseCode.known()) {
      known.put(c.code(), c.name() + " " + (c.reconnect() ? "yes" : "no"));
    }
    assertThat(documented).isEqualTo(known);
  }

  @Test
  void finalCodesAreTheKnownOnesThatDoNotReconnectPolicyViolationAndTheFinalRange() {
    for (CloseCode c : CloseCode.known()) {
      assertThat(CloseCode.isFinal(c.code())).as("code %d", c.code()).isEqualTo(!c.reconnect());
    }
    assertThat(CloseCode.isFinal(1008)).isTrue();
    assertThat(CloseCode.isFinal(4499)).isFalse();
    assertThat(CloseCode.isFinal(4500)).isTrue();
    assertThat(CloseCode.isFinal(4501)).isTrue();
    assertThat(CloseCode.isFinal(4999)).isTrue();
    for (int notFinal : new int[] {1000, 1006, 1010, 3000, 4006, 4499, 5000}) {
      assertThat(CloseCode.isFinal(notFinal)).as("code %d", notFinal).isFalse();
    }
  }

  @Test
  void theBrowserLibraryTreatsExactlyTheSameCodesAsFinal() throws IOException {
    String js = Files.readString(Path.of("webapp/js/switchboard.js"));
    Matcher set = Pattern.compile("const FINAL_CODES = new Set\\(\\[([\\d,\\s]*)]\\);").matcher(js);
    assertThat(set.find()).as("FINAL_CODES in switchboard.js").isTrue();
    Set<Integer> finalCodes = new HashSet<>();
    for (String code : set.group(1).split(",")) {
      finalCodes.add(Integer.parseInt(code.strip()));
    }
    Matcher range =
        Pattern.compile(
                "const isFinal = \\(code\\) => FINAL_CODES\\.has\\(code\\)"
                    + " \\|\\| \\(code >= (\\d+) && code <= (\\d+)\\);")
            .matcher(js);
    assertThat(range.find()).as("isFinal in switchboard.js").isTrue();
    int first = Integer.parseInt(range.group(1));
    int last = Integer.parseInt(range.group(2));

    for (int code = 0; code <= 5000; code++) {
      boolean jsFinal = finalCodes.contains(code) || (code >= first && code <= last);
      assertThat(jsFinal).as("switchboard.js on code %d", code).isEqualTo(CloseCode.isFinal(code));
    }
  }

  @Test
  void theBrowserLibraryReconnectsSoonAfterTheSameServiceRestartCode() throws IOException {
    String js = Files.readString(Path.of("webapp/js/switchboard.js"));
    assertThat(js).contains("const SERVICE_RESTART = " + CloseCode.SERVICE_RESTART.code() + ";");
  }

  @Test
  void theCodesImplementationsSendOnTheirOwnAreKnown() {
    for (int code = 1000; code <= 4999; code++) {
      if (CloseCode.isImplementationCode(code)) {
        assertThat(CloseCode.of(code)).as("code %d", code).isPresent();
      }
    }
    assertThat(CloseCode.isImplementationCode(1007)).isTrue();
    assertThat(CloseCode.isImplementationCode(1000)).isFalse();
    assertThat(CloseCode.isImplementationCode(1001)).isFalse();
  }

  @Test
  void errorCodesAreUnique() {
    Set<Integer> seen = new HashSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(seen.add(c.code())).as("code %d", c.code()).isTrue();
    }
  }
}
