package org.varpro.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.ValidationResult;
import org.varpro.core.pde.ScalarField;

/**
 * A {@link ScalarField} given by an exp4j expression over the PDE variables, e.g.
 * {@code "exp(-pi^2*t/4)*sin(pi*x)"}.
 *
 * <p>Syntax (exp4j 0.4): + − * / ^ (power, right-associative, binds tighter than unary minus:
 * −x^2 = −(x²)), % (remainder), parentheses, implicit multiplication ({@code 2x}); functions
 * abs, acos, asin, atan, cbrt, ceil, cos, cosh, cot, exp, expm1, floor, log (natural), log10,
 * log1p, log2, pow, signum, sin, sinh, sqrt, tan, tanh. Constants: {@code pi} and {@code e}, plus
 * any named constants given (the {@code pde.constants} section).
 *
 * <p>The field keeps the text, the variable names and the constants; the compiled
 * {@link Expression} (not thread-safe, not serializable) is built lazily once per thread and is
 * transient, so the field can be shipped to Spark executors. Construction compiles the
 * expression once, so syntax errors and unknown names fail early, as a {@link ConfigError} naming
 * the configuration key.
 */
public final class ExpressionField implements ScalarField {
  private static final long serialVersionUID = 1L;

  /** Names that are constants in every expression. */
  public static final Map<String, Double> BUILTIN_CONSTANTS = Map.of("pi", Math.PI, "e", Math.E);

  private final String key;
  private final String expression;
  private final String[] variables;
  private final String[] constantNames;
  private final double[] constantValues;
  private transient volatile ThreadLocal<Expression> compiled;

  /**
   * @param key the configuration key, for error messages
   * @param expression the expression text
   * @param variables the names of the point's coordinates, in order
   * @param constants named constants (may be empty); {@code pi} and {@code e} are always there
   */
  public ExpressionField(String key, String expression, List<String> variables, Map<String, Double> constants) {
    this.key = key;
    this.expression = expression;
    this.variables = variables.toArray(new String[0]);
    Map<String, Double> all = new LinkedHashMap<>(BUILTIN_CONSTANTS);
    for (Map.Entry<String, Double> c : constants.entrySet()) {
      if (BUILTIN_CONSTANTS.containsKey(c.getKey())) {
        throw new ConfigError(key, "constant '" + c.getKey() + "' is built in and cannot be redefined");
      }
      all.put(c.getKey(), c.getValue());
    }
    for (String v : this.variables) {
      if (all.containsKey(v)) {
        throw new ConfigError(key, "'" + v + "' is both a variable and a constant");
      }
    }
    this.constantNames = all.keySet().toArray(new String[0]);
    this.constantValues = all.values().stream().mapToDouble(Double::doubleValue).toArray();
    compile();
  }

  /**
   * The field for an expression: a {@link ScalarField#constant} when it uses none of the
   * variables (so constant zero coefficients are recognized), otherwise an ExpressionField.
   */
  public static ScalarField of(String key, String expression, List<String> variables, Map<String, Double> constants) {
    ExpressionField f = new ExpressionField(key, expression, variables, constants);
    if (f.usedVariables().isEmpty()) {
      double v = f.value(new double[variables.size()]);
      if (!Double.isFinite(v)) {
        throw new ConfigError(key, "expression '" + expression + "' evaluates to " + v);
      }
      return ScalarField.constant(v);
    }
    return f;
  }

  private Expression compile() {
    Expression e;
    try {
      Set<String> names = new java.util.LinkedHashSet<>(Arrays.asList(variables));
      names.addAll(Arrays.asList(constantNames));
      e = new ExpressionBuilder(expression).variables(names).build();
    } catch (RuntimeException ex) {
      throw new ConfigError(key, "cannot parse expression '" + expression + "': " + ex.getMessage()
          + " (variables: " + String.join(", ", variables) + ")", ex);
    }
    for (int k = 0; k < constantNames.length; k++) {
      e.setVariable(constantNames[k], constantValues[k]);
    }
    ValidationResult check = e.validate(false);
    if (!check.isValid()) {
      throw new ConfigError(key, "invalid expression '" + expression + "': "
          + String.join("; ", check.getErrors()));
    }
    return e;
  }

  private ThreadLocal<Expression> local() {
    ThreadLocal<Expression> l = compiled;
    if (l == null) {
      synchronized (this) {
        l = compiled;
        if (l == null) {
          l = ThreadLocal.withInitial(this::compile);
          compiled = l;
        }
      }
    }
    return l;
  }

  @Override
  public double value(double[] point) {
    Expression e = local().get();
    for (int k = 0; k < variables.length; k++) {
      e.setVariable(variables[k], point[k]);
    }
    try {
      return e.evaluate();
    } catch (RuntimeException ex) {
      StringBuilder at = new StringBuilder();
      for (int k = 0; k < variables.length; k++) {
        at.append(k == 0 ? "" : ", ").append(variables[k]).append(" = ").append(point[k]);
      }
      throw new ConfigError(key, "cannot evaluate '" + expression + "' at " + (at.length() == 0 ? "a constant" : at)
          + ": " + ex.getMessage(), ex);
    }
  }

  public String key() {
    return key;
  }

  public String expression() {
    return expression;
  }

  public List<String> variables() {
    return List.of(variables);
  }

  /** The variables (not constants) the expression mentions. */
  public Set<String> usedVariables() {
    Set<String> used = new TreeSet<>(local().get().getVariableNames());
    used.retainAll(Arrays.asList(variables));
    return used;
  }

  @Override
  public String toString() {
    return "(" + expression + ")";
  }
}
