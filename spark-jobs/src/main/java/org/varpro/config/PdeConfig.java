package org.varpro.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.varpro.core.pde.Face;
import org.varpro.core.pde.LinearPde;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.pde.ScalarField;
import org.varpro.core.pde.Weights;

/**
 * Reads the {@code pde}, {@code points} and {@code weights} sections of a run configuration
 * (HOCON) into a {@link PdeProblem}. Unknown keys in these sections are errors; every error is a
 * {@link ConfigError} naming the key. See conf/heat.conf for an annotated example.
 *
 * <pre>
 * pde {
 *   variables = [x, t]              # coordinates of the network input, in this order
 *   time = t                        # optional: the time variable
 *   domain { x = [0, 1], t = [0, 1] }
 *   constants { nu = 0.05 }         # optional named constants for expressions
 *   operator { d_t = 1, d_xx = -0.25 }   # u, d_x, d_xx, d_xy, d_t, d_tt, …: number or "expression"
 *   source = "0"                    # f; default 0
 *   boundary { x_min { type = dirichlet, value = "0" }, x_max { type = neumann, value = "0" } }
 *   initial { value = "sin(pi*x)", velocity = "0" }   # velocity only for 2nd order in time
 *   exact = "exp(-pi^2*t/4)*sin(pi*x)"                # optional
 * }
 * points { interior = 900, boundary = 120, sampler = uniform, seed = 1, test-grid = 101 }
 * weights { interior = mean, boundary = mean }
 * </pre>
 */
public final class PdeConfig {
  public static final List<String> PDE_KEYS = List.of("variables", "time", "domain", "constants",
      "operator", "source", "boundary", "initial", "exact");
  public static final List<String> POINTS_KEYS = List.of("interior", "boundary", "sampler", "seed",
      "test-grid", "randomize", "boundary-split", "block-rows");
  public static final List<String> WEIGHTS_KEYS = List.of("interior", "boundary", "initial");
  public static final List<String> FACE_KEYS = List.of("type", "value");
  public static final List<String> INITIAL_KEYS = List.of("value", "velocity");

  private static final Set<String> RESERVED = Set.of("pi", "e", "u");
  private static final Pattern SCALED_MEAN =
      Pattern.compile("\\s*([-+0-9.eE]+)\\s*\\*\\s*mean\\s*|\\s*mean\\s*\\*\\s*([-+0-9.eE]+)\\s*");

  private PdeConfig() {}

  /** Parses a file (HOCON, substitutions resolved) into a problem. */
  public static PdeProblem load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError(file.toString(), "no such configuration file");
    }
    return parseProblem(ConfigFactory.parseFile(file.toFile()).resolve());
  }

  /**
   * The held-out collocation rows for {@code solver.validation-every}: the same PDE, counts and
   * weights with uniform random points from a seed derived from {@code points.seed} (uniform even
   * when training uses a deterministic grid or quasi-random sequence, so the points differ).
   */
  public static PdeProblem parseValidationProblem(Config root) {
    root = root.resolve();
    long seed = root.hasPath("points.seed") ? StrictConfig.getLong(root, "points.seed") : 1;
    Config held = root
        .withValue("points.seed", com.typesafe.config.ConfigValueFactory.fromAnyRef(seed + 1_000_003L))
        .withValue("points.sampler", com.typesafe.config.ConfigValueFactory.fromAnyRef("uniform"))
        .withValue("points.randomize", com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
    return parseProblem(held);
  }

  /** The problem from the {@code pde}, {@code points} and {@code weights} sections of a root config. */
  /** The model section, with the PDE's box as the default box of the box initialization. */
  public static ModelConfig parseModel(Config root, PdeProblem problem) {
    org.varpro.core.pde.Box box = problem.pde().box();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int d = 0; d < box.dim(); d++) {
      lo = Math.min(lo, box.lower(d));
      hi = Math.max(hi, box.upper(d));
    }
    return ModelConfig.parse(root, new double[] {lo, hi});
  }

  public static PdeProblem parseProblem(Config root) {
    root = root.resolve();
    LinearPde pde = parsePde(root);
    Weights weights = parseWeights(root);
    String p = "points";
    if (!root.hasPath(p)) {
      throw new ConfigError(p, "section is required (interior and boundary point counts)");
    }
    StrictConfig.requireOnly(root, p, POINTS_KEYS);
    StrictConfig.requireKeys(root, p, "interior", "boundary");
    PdeProblem.Builder b = PdeProblem.builder(pde).weights(weights);
    int interior = StrictConfig.getInt(root, p + ".interior");
    if (interior <= 0) {
      throw new ConfigError(p + ".interior", "must be > 0, got " + interior + StrictConfig.where(root, p + ".interior"));
    }
    b.interiorPoints(interior);
    String bk = p + ".boundary";
    ConfigValue bv = root.getValue(bk);
    if (bv.valueType() == ConfigValueType.OBJECT) {
      List<String> names = new ArrayList<>();
      for (Face f : pde.constrainedFaces()) {
        names.add(pde.faceName(f));
      }
      StrictConfig.requireOnly(root, bk, names);
      StrictConfig.requireKeys(root, bk, names.toArray(new String[0]));
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String name : names) {
        int n = StrictConfig.getInt(root, StrictConfig.join(bk, name));
        if (n < 0) {
          throw new ConfigError(StrictConfig.join(bk, name), "must be >= 0");
        }
        counts.put(name, n);
      }
      if (root.hasPath(p + ".boundary-split")) {
        throw new ConfigError(p + ".boundary-split", "does not apply when points.boundary gives per-face counts"
            + StrictConfig.where(root, p + ".boundary-split"));
      }
      b.faceCounts(counts);
    } else {
      int n = StrictConfig.getInt(root, bk);
      if (n < 0) {
        throw new ConfigError(bk, "must be >= 0" + StrictConfig.where(bv));
      }
      b.boundaryPoints(n);
    }
    if (root.hasPath(p + ".sampler")) {
      String key = p + ".sampler";
      b.sampling(parseEnum(root, key, PdeProblem.Sampling::parse));
    }
    if (root.hasPath(p + ".boundary-split")) {
      String key = p + ".boundary-split";
      b.boundarySplit(parseEnum(root, key, PdeProblem.BoundarySplit::parse));
    }
    if (root.hasPath(p + ".seed")) {
      b.seed(StrictConfig.getLong(root, p + ".seed"));
    }
    if (root.hasPath(p + ".randomize")) {
      b.randomized(StrictConfig.getBoolean(root, p + ".randomize"));
    }
    if (root.hasPath(p + ".test-grid")) {
      int g = StrictConfig.getInt(root, p + ".test-grid");
      if (g < 1) {
        throw new ConfigError(p + ".test-grid", "must be >= 1 (nodes per side)" + StrictConfig.where(root, p + ".test-grid"));
      }
      b.testGrid(g);
    }
    if (root.hasPath(p + ".block-rows")) {
      int r = StrictConfig.getInt(root, p + ".block-rows");
      if (r < 1) {
        throw new ConfigError(p + ".block-rows", "must be >= 1" + StrictConfig.where(root, p + ".block-rows"));
      }
      b.blockRows(r);
    }
    try {
      return b.build();
    } catch (ConfigError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigError("points", e.getMessage() + StrictConfig.where(root, "points"), e);
    }
  }

  private static <T> T parseEnum(Config root, String key, java.util.function.Function<String, T> parser) {
    String text = StrictConfig.getString(root, key);
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(key, e.getMessage() + StrictConfig.where(root, key), e);
    }
  }

  /** The {@code weights} section; mean weighting for groups (or the whole section) not given. */
  public static Weights parseWeights(Config root) {
    String w = "weights";
    if (!root.hasPath(w)) {
      return Weights.mean();
    }
    StrictConfig.requireOnly(root, w, WEIGHTS_KEYS);
    Weights.Weight interior = weight(root, w + ".interior");
    Weights.Weight boundary = weight(root, w + ".boundary");
    Weights.Weight initial = root.hasPath(w + ".initial") ? weight(root, w + ".initial") : boundary;
    return new Weights(interior, boundary, initial);
  }

  private static Weights.Weight weight(Config root, String key) {
    if (!root.hasPath(key)) {
      return Weights.Weight.mean();
    }
    ConfigValue v = root.getValue(key);
    String bad = "must be 'mean', a scaled mean like '10*mean', or a number >= 0 (per-row weight)";
    if (v.valueType() == ConfigValueType.NUMBER) {
      double x = ((Number) v.unwrapped()).doubleValue();
      if (!(x >= 0) || !Double.isFinite(x)) {
        throw new ConfigError(key, bad + ", got " + x + StrictConfig.where(v));
      }
      return Weights.Weight.fixed(x);
    }
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT);
      if (s.equals("mean")) {
        return Weights.Weight.mean();
      }
      Matcher m = SCALED_MEAN.matcher(s);
      if (m.matches()) {
        try {
          double scale = Double.parseDouble(m.group(1) != null ? m.group(1) : m.group(2));
          if (scale >= 0 && Double.isFinite(scale)) {
            return Weights.Weight.mean(scale);
          }
        } catch (NumberFormatException e) {
          // fall through to the error
        }
      }
      try {
        double x = Double.parseDouble(s);
        if (x >= 0 && Double.isFinite(x)) {
          return Weights.Weight.fixed(x);
        }
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new ConfigError(key, bad + ", got " + v.render() + StrictConfig.where(v));
  }

  /** The {@code pde} section. */
  public static LinearPde parsePde(Config root) {
    root = root.resolve();
    String p = "pde";
    if (!root.hasPath(p)) {
      throw new ConfigError(p, "section is required");
    }
    StrictConfig.requireOnly(root, p, PDE_KEYS);
    StrictConfig.requireKeys(root, p, "variables", "domain", "operator", "boundary");

    List<String> variables = StrictConfig.getStringList(root, p + ".variables");
    if (variables.isEmpty()) {
      throw new ConfigError(p + ".variables", "needs at least one variable" + StrictConfig.where(root, p + ".variables"));
    }
    Set<String> seen = new HashSet<>();
    for (String v : variables) {
      if (!StrictConfig.isIdentifier(v) || RESERVED.contains(v)) {
        throw new ConfigError(p + ".variables", "'" + v + "' is not a valid variable name (letters, digits and _, "
            + "starting with a letter; not pi, e or u)" + StrictConfig.where(root, p + ".variables"));
      }
      if (!seen.add(v)) {
        throw new ConfigError(p + ".variables", "'" + v + "' is listed twice" + StrictConfig.where(root, p + ".variables"));
      }
    }
    String time = null;
    if (root.hasPath(p + ".time")) {
      time = StrictConfig.getString(root, p + ".time");
      if (!variables.contains(time)) {
        throw new ConfigError(p + ".time", "'" + time + "' is not one of the variables " + variables
            + StrictConfig.where(root, p + ".time"));
      }
    }

    Map<String, Double> constants = new LinkedHashMap<>();
    String ck = p + ".constants";
    for (String name : StrictConfig.keys(root, ck)) {
      String key = StrictConfig.join(ck, name);
      if (!StrictConfig.isIdentifier(name) || RESERVED.contains(name) || variables.contains(name)) {
        throw new ConfigError(key, "'" + name + "' cannot be a constant name (an identifier that is not a variable, pi, e or u)"
            + StrictConfig.where(root, key));
      }
      ScalarField value = field(root, key, List.of(), Map.of());
      constants.put(name, value.value(new double[0]));
    }

    LinearPde.Builder b = LinearPde.builder(variables);
    if (time != null) {
      b.time(time);
    }

    String dk = p + ".domain";
    StrictConfig.requireOnly(root, dk, variables);
    for (String v : variables) {
      String key = StrictConfig.join(dk, v);
      if (!root.hasPath(key)) {
        throw new ConfigError(key, "is required: the interval [lower, upper] of " + v + StrictConfig.where(root, dk));
      }
      List<Double> side = StrictConfig.getDoubleList(root, key);
      if (side.size() != 2 || !(side.get(0) < side.get(1)) || !Double.isFinite(side.get(0))
          || !Double.isFinite(side.get(1))) {
        throw new ConfigError(key, "must be [lower, upper] with finite lower < upper, got " + side
            + StrictConfig.where(root, key));
      }
      b.domain(v, side.get(0), side.get(1));
    }

    String ok = p + ".operator";
    List<String> terms = StrictConfig.keys(root, ok);
    if (terms.isEmpty()) {
      throw new ConfigError(ok, "needs at least one term (u, d_x, d_xx, …)" + StrictConfig.where(root, ok));
    }
    for (String term : terms) {
      String key = StrictConfig.join(ok, term);
      String[] derivative = derivative(term, variables, key, root);
      b.term(field(root, key, variables, constants), derivative);
    }

    if (root.hasPath(p + ".source")) {
      b.source(field(root, p + ".source", variables, constants));
    }

    String bk = p + ".boundary";
    List<String> faces = new ArrayList<>();
    for (String v : variables) {
      if (!v.equals(time)) {
        faces.add(v + "_min");
        faces.add(v + "_max");
      }
    }
    StrictConfig.requireOnly(root, bk, faces);
    for (String face : faces) {
      String key = StrictConfig.join(bk, face);
      if (!root.hasPath(key)) {
        throw new ConfigError(key, "is required: every spatial face needs a condition (type = dirichlet, "
            + "neumann or none)" + StrictConfig.where(root, bk));
      }
      StrictConfig.requireOnly(root, key, FACE_KEYS);
      StrictConfig.requireKeys(root, key, "type");
      String type = StrictConfig.getString(root, key + ".type").trim().toLowerCase(Locale.ROOT);
      switch (type) {
        case "dirichlet", "neumann" -> {
          StrictConfig.requireKeys(root, key, "value");
          ScalarField data = field(root, key + ".value", variables, constants);
          if (type.equals("dirichlet")) {
            b.dirichlet(face, data);
          } else {
            b.neumann(face, data);
          }
        }
        case "none" -> {
          if (root.hasPath(key + ".value")) {
            throw new ConfigError(key + ".value", "a face with type = none takes no value"
                + StrictConfig.where(root, key + ".value"));
          }
          b.noCondition(face);
        }
        default -> throw new ConfigError(key + ".type", "unknown boundary type '" + type
            + "' (expected dirichlet, neumann or none)" + StrictConfig.where(root, key + ".type"));
      }
    }

    String ik = p + ".initial";
    if (root.hasPath(ik)) {
      if (time == null) {
        throw new ConfigError(ik, "initial conditions need a time variable (pde.time)" + StrictConfig.where(root, ik));
      }
      StrictConfig.requireOnly(root, ik, INITIAL_KEYS);
      if (root.hasPath(ik + ".value")) {
        b.initialValue(field(root, ik + ".value", variables, constants));
      }
      if (root.hasPath(ik + ".velocity")) {
        b.initialVelocity(field(root, ik + ".velocity", variables, constants));
      }
    }
    if (time != null && !root.hasPath(ik + ".value")) {
      throw new ConfigError(ik + ".value", "is required: the initial value at " + time + " = "
          + StrictConfig.getDoubleList(root, StrictConfig.join(dk, time)).get(0) + StrictConfig.where(root, p));
    }
    if (root.hasPath(p + ".exact")) {
      b.exact(field(root, p + ".exact", variables, constants));
    }
    try {
      return b.build();
    } catch (ConfigError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().contains("velocity") ? ik + ".velocity" : p;
      throw new ConfigError(key, e.getMessage() + StrictConfig.where(root, root.hasPath(key) ? key : p), e);
    }
  }

  /** Operator key → derivative variables: "u" → none, "d_x" → {x}, "d_xy" or "d_x_y" → {x, y}. */
  static String[] derivative(String term, List<String> variables, String key, Config root) {
    if (term.equals("u")) {
      return new String[0];
    }
    String hint = " (operator keys are u, d_<v> and d_<v><w> or d_<v>_<w> for variables "
        + String.join(", ", variables) + ")" + StrictConfig.where(root, key);
    if (!term.startsWith("d_") || term.length() == 2) {
      throw new ConfigError(key, "unknown operator term '" + term + "'" + hint);
    }
    String spec = term.substring(2);
    if (variables.contains(spec)) {
      return new String[] {spec};
    }
    List<String[]> splits = new ArrayList<>();
    for (int k = 1; k < spec.length(); k++) {
      String a = spec.substring(0, k);
      String c = spec.substring(k);
      if (variables.contains(a) && variables.contains(c)) {
        splits.add(new String[] {a, c});
      }
      if (spec.charAt(k) == '_' && k + 1 < spec.length()) {
        String c2 = spec.substring(k + 1);
        if (variables.contains(a) && variables.contains(c2)) {
          splits.add(new String[] {a, c2});
        }
      }
    }
    if (splits.size() == 1) {
      return splits.get(0);
    }
    if (splits.isEmpty()) {
      throw new ConfigError(key, "unknown derivative '" + spec + "'" + hint);
    }
    throw new ConfigError(key, "ambiguous derivative '" + spec + "': write d_<v>_<w>" + hint);
  }

  /** A number (a constant field) or an expression string. */
  static ScalarField field(Config root, String key, List<String> variables, Map<String, Double> constants) {
    ConfigValue v = root.getValue(key);
    if (v.valueType() == ConfigValueType.NUMBER) {
      double x = ((Number) v.unwrapped()).doubleValue();
      if (!Double.isFinite(x)) {
        throw new ConfigError(key, "must be finite" + StrictConfig.where(v));
      }
      return ScalarField.constant(x);
    }
    if (v.valueType() != ConfigValueType.STRING) {
      throw new ConfigError(key, "must be a number or an expression string, got "
          + StrictConfig.describe(v) + StrictConfig.where(v));
    }
    String text = (String) v.unwrapped();
    try {
      return ExpressionField.of(key, text, variables, constants);
    } catch (ConfigError e) {
      throw new ConfigError(key, e.getMessage().substring(key.length() + 2) + StrictConfig.where(v), e.getCause());
    }
  }
}
