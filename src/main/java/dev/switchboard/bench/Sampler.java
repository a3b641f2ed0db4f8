package dev.switchboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * CPU and memory readings from /proc: this load generator's CPU, the server's CPU and RSS (given
 * its PID) and the machine's busy share, so a run shows which side was saturated.
 */
final class Sampler {
  /** Linux reports process times in clock ticks of 1/100 s on every platform this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long serverPid;
  private long t0;
  private long selfCpu0;
  private long serverTicks0;
  private long @Nullable [] machine0;

  /** Readings over one window. */
  record Reading(
      double loadgenCpuPct, double serverCpuPct, double machineBusyPct, long serverRssKb) {}

  Sampler(long serverPid) {
    this.serverPid = serverPid;
  }

  void start() {
    t0 = System.nanoTime();
    selfCpu0 = selfCpuNanos();
    serverTicks0 = serverTicks();
    machine0 = machine();
  }

  Reading stop() {
    double seconds = (System.nanoTime() - t0) / 1e9;
    double self = (selfCpuNanos() - selfCpu0) / 1e9 / seconds * 100;
    double server =
        serverPid > 0 ? (serverTicks() - serverTicks0) / TICKS_PER_SECOND / seconds * 100 : -1;
    long[] m1 = machine();
    double busy = -1;
    if (machine0 != null && m1 != null) {
      long total = m1[0] - machine0[0];
      long idle = m1[1] - machine0[1];
      busy =
          total > 0
              ? 100.0 * (total - idle) / total * Runtime.getRuntime().availableProcessors()
              : -1;
    }
    return new Reading(self, server, busy, rssKb(serverPid));
  }

  private static long selfCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  private long serverTicks() {
    if (serverPid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** RSS of {@code pid} in KiB, or -1. */
  static long rssKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** {total, idle} jiffies of the whole machine. */
  private static long @Nullable [] machine() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total, idle};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
