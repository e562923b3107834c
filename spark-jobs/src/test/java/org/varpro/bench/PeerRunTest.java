package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a peer's output back: a captured run of heat_varpro_numpy.py (16 15 tsqr, loaded machine). */
class PeerRunTest {

  private static List<String> sample() throws IOException {
    try (InputStream in = PeerRunTest.class.getResourceAsStream("heat-peer-output.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void parsesEveryProgressLineAndTheFinalLine() throws IOException {
    PeerRun.Output out = PeerRun.parse(sample());
    assertEquals(6, out.trace().size());
    assertEquals(new TimeToTarget.Point(1, 2.5, 7.876e-02), out.trace().get(0));
    assertEquals(new TimeToTarget.Point(25, 12.2, 4.731e-03), out.trace().get(4));
    assertEquals(new TimeToTarget.Point(26, 15.2, 4.483e-03), out.last());
    assertEquals(out.last(), out.trace().get(5));
  }

  @Test
  void bracketIsTheFirstCheckAtOrBelowAndTheCheckBeforeIt() throws IOException {
    List<TimeToTarget.Point> trace = PeerRun.parse(sample()).trace();
    PeerRun.Bracket b = PeerRun.bracket(trace, 5e-3);
    assertEquals(25, b.upper().iteration());
    assertEquals(12.2, b.upper().seconds());
    assertEquals(4, b.lower().iteration());
    assertEquals(5.5, b.lower().seconds());
    PeerRun.Bracket first = PeerRun.bracket(trace, 0.1);
    assertEquals(1, first.upper().iteration());
    assertNull(first.lower());
    assertNull(PeerRun.bracket(trace, 1e-3));
  }

  @Test
  void otherLinesAreSkippedAndBrokenProgressLinesNamed() {
    PeerRun.Output out = PeerRun.parse(List.of("Traceback? no: a warning", "it=3 t=1.0s rel_l2=2e-3"));
    assertEquals(List.of(new TimeToTarget.Point(3, 1.0, 2e-3)), out.trace());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PeerRun.parse(List.of("it=1 t=0.1s rel_l2=1e-2", "it=2 t=0.2s loss=1")));
    assertTrue(e.getMessage().startsWith("peer output line 2:"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PeerRun.parse(List.of("nothing here")));
  }

  @Test
  void ratioAgainstBothBoundsOfThePeerTime() {
    assertEquals("0.50 (0.67)", TimeToTargetBench.ratio(2, 4, 3));
    assertEquals("0.50", TimeToTargetBench.ratio(2, 4, 0));
    assertNull(TimeToTargetBench.ratio(Double.POSITIVE_INFINITY, 4, 3));
    assertNull(TimeToTargetBench.ratio(2, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
  }
}
