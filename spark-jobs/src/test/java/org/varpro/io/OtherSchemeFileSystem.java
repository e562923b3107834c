package org.varpro.io;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under another scheme ({@value #SCHEME}://): a Hadoop file system that is not
 * {@code file}, so the code under test can only reach it through Hadoop's FileSystem API, as it
 * would reach {@code hdfs://} or {@code s3a://}. Registered by {@link #register}.
 */
public final class OtherSchemeFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "vtest";

  /** Makes {@value #SCHEME}:// paths resolve to this file system in {@code conf}. */
  public static void register(Configuration conf) {
    conf.set("fs." + SCHEME + ".impl", OtherSchemeFileSystem.class.getName());
    conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
  }

  /** {@value #SCHEME}:///absolute/path for a local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath();
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws java.io.IOException {
    super.initialize(uri, conf);
    setConf(conf);
  }
}
