package org.varpro.core.pass;

import java.io.Serializable;
import org.varpro.core.model.RowBlock;

/**
 * A check of one block beyond its shape (e.g. class labels in range), run once when a runner
 * takes its rows; throws {@link IllegalArgumentException} with what is wrong.
 */
@FunctionalInterface
public interface BlockCheck extends Serializable {
  BlockCheck NONE = block -> {};

  void check(RowBlock block);
}
