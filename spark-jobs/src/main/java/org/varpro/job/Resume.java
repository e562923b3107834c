package org.varpro.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.varpro.config.ConfigError;
import org.varpro.io.Location;

/**
 * {@code train --resume RUN_FOLDER}: finds a stopped run's checkpoint and rebuilds the run from
 * it. RUN_FOLDER is the temporary folder the stop message names, or the run folder the run was
 * writing (its one stopped temporary sibling {@code .NAME.tmp-*} is taken). The run continues
 * with the configuration stored in the checkpoint; {@code --set} may change only the settings in
 * {@link #CHANGEABLE}, which do not change the numbers.
 */
final class Resume {
  /** What --set may change on --resume: where and how it runs, not what it computes. */
  static final List<String> CHANGEABLE = List.of("job.master", "job.spark-ui", "job.log-level",
      "job.checkpoint-every", "job.checkpoint-interval", "solver.time-budget");

  private Resume() {}

  /** A stopped run: the folder it was writing, its final folder, checkpoint and configuration. */
  record Stopped(Location dir, Location target, Checkpoint checkpoint, JobConfig job) {}

  static Stopped open(String given, List<String> overrides, String master) {
    Location dir = locate(given);
    Checkpoint cp = Checkpoint.read(dir);
    String file = dir.child(Checkpoint.FILE).toString();
    Config stored = ConfigFactory.parseString(cp.config().toString(),
        ConfigParseOptions.defaults().setOriginDescription(file));
    for (String s : overrides) {
      Config over = JobConfig.withOverrides(ConfigFactory.empty(), List.of(s));
      for (String key : over.entrySet().stream().map(e -> e.getKey()).sorted().toList()) {
        if (!CHANGEABLE.contains(key)) {
          throw new ConfigError("--set " + key, "cannot change when resuming: the run continues with the "
              + "configuration in its checkpoint (only " + String.join(", ", CHANGEABLE) + " may change); to train "
              + "further with other settings, start a new run with " + InitFrom.KEY + " = RUN/model.json");
        }
      }
    }
    Config root = JobConfig.resolve(JobConfig.withOverrides(stored, overrides), Path.of(file));
    JobConfig job = JobConfig.parseNamed(root, cp.name(), cp.target(), master);
    try {
      return new Stopped(dir, Location.of(cp.target()), cp, job);
    } catch (IOException e) {
      throw new ConfigError("--resume", "cannot use the run folder " + cp.target() + " of " + file + ": "
          + RunFolder.describe(e), e);
    }
  }

  /** The folder holding the checkpoint. */
  static Location locate(String given) {
    try {
      Location at = Location.of(given);
      if (at.child(Checkpoint.FILE).isFile()) {
        return at;
      }
      Location parent = at.parent();
      if (parent == null) {
        throw new ConfigError("--resume", "no checkpoint in " + given);
      }
      String prefix = RunFolder.tempPrefix(at);
      List<Location> stopped = new ArrayList<>();
      for (String name : parent.list()) {
        if (name.startsWith(prefix) && parent.child(name).child(Checkpoint.FILE).isFile()) {
          stopped.add(parent.child(name));
        }
      }
      if (stopped.size() == 1) {
        return stopped.get(0);
      }
      if (stopped.size() > 1) {
        throw new ConfigError("--resume", "several stopped runs write " + given + ": "
            + String.join(", ", stopped.stream().map(Location::toString).toList()) + "; give one of them");
      }
      if (at.child("model.json").isFile()) {
        throw new ConfigError("--resume", given + " is a finished run (nothing to resume); to train it further, "
            + "start a new run with " + InitFrom.KEY + " = " + at.child("model.json"));
      }
      throw new ConfigError("--resume", "no checkpoint in " + given + " nor in a stopped run next to it ("
          + prefix + "*/" + Checkpoint.FILE + "); classification runs are not checkpointed");
    } catch (IOException e) {
      throw new ConfigError("--resume", "cannot read " + given + ": " + RunFolder.describe(e), e);
    }
  }
}
