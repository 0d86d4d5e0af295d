package org.dlema.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;

/** The variants table of the benchmark's report, from figures set by hand, and the count of bfloat16 nodes. */
class ReportTablesTest {
  private static StepTimes.Measurement measured(List<StepTimes.Variant> variants) {
    return new StepTimes.Measurement("lite", 10, 16, 16, 100.0, 20.0, 1.0, 300.0, 3.0, null, null, null, null, null,
        0.5, 1.5, 4.0, 15.0, null, variants);
  }

  private static StepTimes.Report report(boolean rewriting, StepTimes.Measurement... measurements) {
    Machine machine = new Machine("cpu", 2, "2.18.0", List.of(), "17", "Linux", "off", rewriting, List.of(),
        "TF_ENABLE_ONEDNN_OPTS=0");
    return new StepTimes.Report("now", 1, 2, 10, null, 2, List.of(measurements), machine, null, null, null, null,
        null);
  }

  @Test
  void theMainRowCarriesTheEnvironmentsSettingsAndEachVariantItsRatios() {
    // The main graphs were rewritten (the default); the compared ones were not, or were cast to bfloat16.
    StepTimes.Variant off = new StepTimes.Variant("rewriting", "rewriting off", 105.0, 270.0, 1.0, 3.0, 1.05, 0.9,
        0, 2e-7);
    StepTimes.Variant bf16 = new StepTimes.Variant("bfloat16", "bfloat16 rewrite", 500.0, 1200.0, 6.0, 20.0, 5.0,
        4.0, 1760, 3.5e-3);
    String table = ReportTables.variantsTable(report(true, measured(List.of(off, bf16))));
    assertThat(table).contains("| lite | 16 | main: rewriting on, oneDNN off | 100.0 | 300.0 | 4.00 | 15.00 | | |");
    assertThat(table).contains("| lite | 16 | rewriting off | 105.0 (x1.05) | 270.0 (x0.90) | 1.00 | 3.00 | 0 "
        + "| 2.0e-07 |");
    assertThat(table).contains("| lite | 16 | bfloat16 rewrite | 500.0 (x5.00) | 1200.0 (x4.00) | 6.00 | 20.00 "
        + "| 1760 | 3.5e-03 |");

    // With DLEMA_GRAPPLER=off the main row is the unrewritten one.
    StepTimes.Variant on = new StepTimes.Variant("rewriting", "rewriting on", 99.0, 310.0, 5.0, 20.0, 0.99,
        310.0 / 300.0, 0, 0);
    String flipped = ReportTables.variantsTable(report(false, measured(List.of(on))));
    assertThat(flipped).contains("| lite | 16 | main: rewriting off, oneDNN off | 100.0 | 300.0 | 4.00 | 15.00 |");
    assertThat(flipped).contains("| lite | 16 | rewriting on | 99.0 (x0.99) | 310.0 (x1.03) | 5.00 | 20.00 | 0 |");

    // A configuration measured without a comparison has no rows.
    assertThat(ReportTables.variantsTable(report(true, measured(List.of()))).lines().count()).isEqualTo(2);
  }

  @Test
  void countsTheNodesWithABfloat16TypeInTheRewrittenGraphs() {
    NodeDef castIn = node("Cast", "DstT", DataType.DT_BFLOAT16);
    NodeDef conv = node("Conv2D", "T", DataType.DT_BFLOAT16);
    NodeDef loss = node("Mean", "T", DataType.DT_FLOAT);
    NodeDef list = NodeDef.newBuilder().setOp("IdentityN").putAttr("T", AttrValue.newBuilder().setList(
        AttrValue.ListValue.newBuilder().addType(DataType.DT_FLOAT).addType(DataType.DT_BFLOAT16)).build()).build();
    RunMetadata trace = RunMetadata.newBuilder()
        .addPartitionGraphs(GraphDef.newBuilder().addNode(castIn).addNode(conv).addNode(loss))
        .addPartitionGraphs(GraphDef.newBuilder().addNode(list).addNode(loss)).build();
    assertThat(StepTimes.bfloat16Nodes(trace)).isEqualTo(3);
    assertThat(StepTimes.bfloat16Nodes(RunMetadata.getDefaultInstance())).isEqualTo(0);
  }

  private static NodeDef node(String op, String attr, DataType type) {
    return NodeDef.newBuilder().setOp(op).putAttr(attr, AttrValue.newBuilder().setType(type).build()).build();
  }
}
