package org.varpro.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU seconds of the whole machine so far, from the first line of Linux's {@code /proc/stat}
 * (all CPUs, in clock ticks of 1/100 s): busy (user, system, irq, softirq; guest time is inside
 * user), nice (processes under {@code nice}, which yield to everyone else), steal (time the
 * hypervisor gave the virtual CPUs to someone else) and idle (idle and iowait). NaN when the file
 * cannot be read (not Linux): the CPU accounts of {@code bench scale} then print NaN.
 */
record MachineCpu(double busy, double nice, double steal, double idle) {

  /** USER_HZ: Linux reports /proc/stat in 1/100 s on every architecture. */
  private static final double TICKS_PER_SECOND = 100.0;
  private static final Path STAT = Path.of("/proc/stat");

  static MachineCpu now() {
    try {
      List<String> lines = Files.readAllLines(STAT);
      return parse(lines.isEmpty() ? "" : lines.get(0));
    } catch (IOException | RuntimeException e) {
      return new MachineCpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /** The aggregate "cpu" line: user nice system idle iowait irq softirq steal [guest guest_nice]. */
  static MachineCpu parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 9 || !f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + line);
    }
    double[] t = new double[8];
    for (int i = 0; i < 8; i++) {
      t[i] = Long.parseLong(f[i + 1]) / TICKS_PER_SECOND;
    }
    return new MachineCpu(t[0] + t[2] + t[5] + t[6], t[1], t[7], t[3] + t[4]);
  }

  MachineCpu minus(MachineCpu earlier) {
    return new MachineCpu(busy - earlier.busy, nice - earlier.nice, steal - earlier.steal, idle - earlier.idle);
  }

  MachineCpu plus(MachineCpu other) {
    return new MachineCpu(busy + other.busy, nice + other.nice, steal + other.steal, idle + other.idle);
  }

  static final MachineCpu ZERO = new MachineCpu(0, 0, 0, 0);
}
