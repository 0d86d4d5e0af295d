package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.RewriterConfig;

/** The session options every graph gets: graph rewriting as the environment says, or as one thread chose. */
class SessionThreadsTest {
  private static boolean rewritingOff() {
    return SessionThreads.config().getGraphOptions().getRewriteOptions().getDisableMetaOptimizer();
  }

  @Test
  void aThreadsChoiceOfRewritingHoldsWhileItMakesItsGraphsAndIsUndoneAfter() {
    boolean environment = SessionThreads.rewriting();
    assertThat(rewritingOff()).isEqualTo(!environment);
    boolean[] seen = new boolean[4];
    SessionThreads.withRewriting(false, () -> {
      seen[0] = rewritingOff();
      // Nested, as the benchmark never does but a caller might: the inner choice holds, then the outer again.
      SessionThreads.withRewriting(true, () -> {
        seen[1] = rewritingOff();
        return null;
      });
      seen[2] = rewritingOff();
      return null;
    });
    seen[3] = rewritingOff();
    assertThat(seen[0]).isTrue();
    assertThat(seen[1]).isFalse();
    assertThat(seen[2]).isTrue();
    assertThat(seen[3]).isEqualTo(!environment);
  }

  @Test
  void anotherThreadKeepsTheEnvironmentsChoice() throws Exception {
    boolean environment = SessionThreads.rewriting();
    boolean[] other = new boolean[1];
    SessionThreads.withRewriting(!environment, () -> {
      Thread thread = new Thread(() -> other[0] = SessionThreads.rewriting());
      thread.start();
      try {
        thread.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return null;
    });
    assertThat(other[0]).isEqualTo(environment);
  }

  @Test
  void theBfloat16RewriteIsAskedForOnlyWhileAThreadChoseIt() {
    RewriterConfig.Toggle unset = RewriterConfig.Toggle.DEFAULT;
    assertThat(bfloat16()).isEqualTo(unset);
    RewriterConfig.Toggle[] inside = new RewriterConfig.Toggle[1];
    SessionThreads.withBfloat16(() -> inside[0] = bfloat16());
    assertThat(inside[0]).isEqualTo(RewriterConfig.Toggle.ON);
    assertThat(bfloat16()).isEqualTo(unset);
  }

  private static RewriterConfig.Toggle bfloat16() {
    return SessionThreads.config().getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16();
  }
}
