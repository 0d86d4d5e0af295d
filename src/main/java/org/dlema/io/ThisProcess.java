package org.dlema.io;

import java.io.IOException;
import java.net.InetAddress;

/** This process as other processes sharing a folder see it: its machine's name and its process id. */
public final class ThisProcess {
  /** The machine's host name, or an empty string when it has none. */
  public static final String HOST = host();

  private ThisProcess() {}

  /** {@code host pid}, as a lock file records its holder. */
  public static String id() {
    return HOST + " " + ProcessHandle.current().pid();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }
}
