package org.dlema.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ValidationReport;

/** Test sets read and checked, each named after its folder (or manifest, without .csv), made unique. */
public final class TestSets {
  private TestSets() {}

  public static List<Evaluator.TestSet> read(List<Path> paths) {
    List<Evaluator.TestSet> sets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path path : paths) {
      ValidationReport report = new ValidationReport();
      MultiAnnotatedDataset dataset = DatasetReader.read(path, ReadOptions.strict(), report);
      report.throwIfErrors();
      String base = path.toAbsolutePath().normalize().getFileName().toString().replaceFirst("\\.csv$", "");
      String name = base;
      for (int k = 2; !names.add(name); k++) {
        name = base + "-" + k;
      }
      sets.add(new Evaluator.TestSet(name, dataset));
    }
    return sets;
  }
}
