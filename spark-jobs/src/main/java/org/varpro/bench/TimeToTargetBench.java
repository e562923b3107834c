package org.varpro.bench;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;

/**
 * Time to accuracy of the PDE benchmark over seeds, against reference peers: for every seed, one
 * {@link PdeBench} run with {@code model.seed} and {@code points.seed} set to the seed (the
 * initial parameters and the collocation points), then every peer for the same budget right
 * after it; then per target the median and worst solver time to it, the peers' times and the
 * ratios project / peer.
 */
public final class TimeToTargetBench {
  private TimeToTargetBench() {}

  /** Knobs: the single run's options plus seeds and peers. */
  public static final class Options {
    public PdeBench.Options run = new PdeBench.Options();
    /** Seeds (empty: one run with the configuration's own seeds). */
    public List<Long> seeds = List.of();
    /** Peer scripts, run as {@code python3 SCRIPT WIDTH SECONDS tsqr}. */
    public List<Path> peers = List.of();
    public Consumer<String> progress = s -> {};
  }

  /** Per-seed reports, the summary table over seeds, and everything as a JSON-ready map. */
  public record Report(List<PdeBench.Report> runs, BenchTable summary, Map<String, Object> json) {}

  /** One peer's runs (one per seed, back to back with the project's). */
  private record PeerRuns(Path script, List<PeerRun.Output> outputs) {}

  /** Runs everything; {@code onRun} sees each project run as soon as it is done. */
  public static Report run(Path config, Options options, Consumer<PdeBench.Report> onRun) {
    Config root = PdeBench.load(config, options.run.overrides);
    List<PeerRuns> peers = new ArrayList<>();
    int width = 0;
    double seconds = 0;
    if (!options.peers.isEmpty()) {
      for (Path p : options.peers) {
        if (!Files.isRegularFile(p)) {
          throw new ConfigError("--peer", "file not found: " + p);
        }
      }
      ModelConfig model = PdeConfig.parseModel(root, PdeConfig.parseProblem(root));
      seconds = SolverConfig.parse(root).timeBudgetSeconds();
      if (model.hidden().length != 1) {
        throw new ConfigError("--peer", "the peers train one hidden layer; model.hidden has "
            + model.hidden().length);
      }
      if (!Double.isFinite(seconds)) {
        throw new ConfigError("--peer", "the peers need a finite solver.time-budget");
      }
      width = model.hidden()[0];
      String missing = PeerRun.unavailable();
      if (missing != null) {
        options.progress.accept("peers skipped: " + missing + " (they need python3 with numpy)");
      } else {
        for (Path p : options.peers) {
          peers.add(new PeerRuns(p, new ArrayList<>()));
        }
      }
    }

    List<Long> seeds = options.seeds.isEmpty() ? java.util.Collections.singletonList(null) : options.seeds;
    List<PdeBench.Report> runs = new ArrayList<>();
    for (Long seed : seeds) {
      PdeBench.Options o = options.run;
      if (seed != null) {
        o = o.withOverrides("model.seed = " + seed, "points.seed = " + seed);
        options.progress.accept("seed " + seed + " (model.seed: initial parameters, points.seed: collocation points)");
      }
      PdeBench.Report report = PdeBench.run(config, o);
      onRun.accept(report);
      runs.add(report);
      for (PeerRuns peer : peers) {
        peer.outputs().add(PeerRun.run(peer.script(), width, seconds, options.progress));
      }
    }

    List<Double> targets = options.run.targets;
    List<BenchTable.Column> columns = new ArrayList<>(List.of(
        BenchTable.Column.number("target", "%.0e"),
        BenchTable.Column.text("reached"),
        BenchTable.Column.number("median_s", "%.2f"),
        BenchTable.Column.number("median_it", "%.0f"),
        BenchTable.Column.number("worst_s", "%.2f"),
        BenchTable.Column.number("worst_it", "%.0f")));
    for (int k = 0; k < peers.size(); k++) {
      String tag = peers.size() == 1 ? "peer" : "peer" + (k + 1);
      columns.add(BenchTable.Column.number(tag + "_median_s", "%.1f"));
      columns.add(BenchTable.Column.text(tag + "_ratio"));
    }
    BenchTable table = new BenchTable(config.getFileName() + ": solver seconds to relative L2 <= target, "
        + runs.size() + (runs.size() == 1 ? " run" : " runs (median and worst over seeds " + options.seeds + ")"),
        columns);
    List<Map<String, Object>> targetJson = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      double target = targets.get(t);
      List<TimeToTarget.Point> own = new ArrayList<>();
      for (PdeBench.Report r : runs) {
        own.add(TimeToTarget.first(r.trace(), target));
      }
      TimeToTarget.Spread s = TimeToTarget.spread(own);
      List<Object> row = new ArrayList<>(List.of(target, s.reached() + "/" + s.runs()));
      row.add(finite(s.medianSeconds()));
      row.add(finite(s.medianIteration()));
      row.add(finite(s.worstSeconds()));
      row.add(finite(s.worstIteration()));
      Map<String, Object> tj = new LinkedHashMap<>();
      tj.put("target", target);
      tj.put("per_seed", own.stream().map(p -> p == null ? null : PdeBench.pointMap(p)).toList());
      tj.put("median_seconds", finite(s.medianSeconds()));
      tj.put("median_iteration", finite(s.medianIteration()));
      tj.put("worst_seconds", finite(s.worstSeconds()));
      tj.put("worst_iteration", finite(s.worstIteration()));
      List<Map<String, Object>> peerJson = new ArrayList<>();
      for (PeerRuns peer : peers) {
        double[] upper = new double[peer.outputs().size()];
        double[] lower = new double[upper.length];
        List<Map<String, Object>> perRun = new ArrayList<>();
        for (int i = 0; i < upper.length; i++) {
          PeerRun.Bracket b = PeerRun.bracket(peer.outputs().get(i).trace(), target);
          upper[i] = b == null ? Double.POSITIVE_INFINITY : b.upper().seconds();
          lower[i] = b == null ? Double.POSITIVE_INFINITY : b.lower() == null ? 0 : b.lower().seconds();
          Map<String, Object> pr = new LinkedHashMap<>();
          pr.put("first_check_at_or_below", b == null ? null : PdeBench.pointMap(b.upper()));
          pr.put("check_before", b == null || b.lower() == null ? null : PdeBench.pointMap(b.lower()));
          perRun.add(pr);
        }
        double up = TimeToTarget.median(upper);
        double lo = TimeToTarget.median(lower);
        String ratio = ratio(s.medianSeconds(), up, lo);
        row.add(finite(up));
        row.add(ratio);
        Map<String, Object> pj = new LinkedHashMap<>();
        pj.put("peer", peer.script().toString());
        pj.put("runs", perRun);
        pj.put("median_seconds_upper_bound", finite(up));
        pj.put("median_seconds_lower_bound", finite(lo));
        pj.put("ratio", ratio);
        peerJson.add(pj);
      }
      table.addRow(row.toArray());
      tj.put("peers", peerJson);
      targetJson.add(tj);
    }

    double[] finals = runs.stream().mapToDouble(PdeBench.Report::finalError).toArray();
    table.addNote(String.format("relative L2 at the budget: median %.3e, worst %.3e", TimeToTarget.median(finals),
        TimeToTarget.max(finals)));
    table.addNote("project times are solver seconds with the error checks excluded (every "
        + (options.run.checkEvery == 1 ? "" : options.run.checkEvery + "th ") + "iterate checked after the run)");
    List<Map<String, Object>> peerFinals = new ArrayList<>();
    for (int k = 0; k < peers.size(); k++) {
      PeerRuns peer = peers.get(k);
      double[] pf = peer.outputs().stream().mapToDouble(o -> o.last().error()).toArray();
      table.addNote(String.format("%s = %s %d %s %s: relative L2 at the budget median %.3e, worst %.3e",
          peers.size() == 1 ? "peer" : "peer" + (k + 1), peer.script(), width, PeerRun.formatSeconds(seconds),
          PeerRun.MODE, TimeToTarget.median(pf), TimeToTarget.max(pf)));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("peer", peer.script().toString());
      m.put("arguments", List.of(width, seconds, PeerRun.MODE));
      m.put("final", peer.outputs().stream().map(o -> PdeBench.pointMap(o.last())).toList());
      peerFinals.add(m);
    }
    if (!peers.isEmpty()) {
      table.addNote("peer times: its first check at or below the target (it checks every 25 iterations, clock "
          + "includes its checks), an upper bound; ratio = project median / peer median, and in brackets "
          + "against the peer's check before the crossing (a lower bound on its time), so the true ratio lies between");
    }

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("config", config.toString());
    json.put("seeds", options.seeds);
    json.put("targets", targetJson);
    json.put("final_relative_l2_error", java.util.Arrays.stream(finals).boxed().toList());
    json.put("peers", peerFinals);
    json.put("summary", table.toMap());
    json.put("runs", runs.stream().map(PdeBench.Report::summary).toList());
    return new Report(runs, table, json);
  }

  /** Project / peer against the peer's upper and lower bounds: "0.45 (0.52)"; "-" when undefined. */
  static String ratio(double project, double peerUpper, double peerLower) {
    if (!Double.isFinite(project) || !Double.isFinite(peerUpper)) {
      return null;
    }
    String hi = peerLower > 0 ? String.format(java.util.Locale.ROOT, " (%.2f)", project / peerLower) : "";
    return String.format(java.util.Locale.ROOT, "%.2f", project / peerUpper) + hi;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
