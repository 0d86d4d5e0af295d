package org.dlema.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.train.WeightFigure;
import org.dlema.train.WeightRatios;

/** {@code dlema weights}: the paper's Figure 3/4 panel for one training image of an ensemble run. */
final class WeightsCommand extends OptionsCommand {
  WeightsCommand() {
    super("weights");
  }

  @Override
  public String summary() {
    return "draw the learned weight maps of an ensemble run for one image (paper Figures 3-4)";
  }

  @Override
  String description() {
    return "For one training image of a dlema run: a row per member with the image, the member's trusted "
        + "annotation, and for every annotation its mask, the inconsistency map |trusted - annotation| and the "
        + "latest weight map the member learned for it. Only the sampled images have maps (see --weight-samples "
        + "of dlema train); without --image the first sampled image with the most annotations is drawn. Also "
        + "prints, per member, the mean weight where an annotation disagrees with the member's trusted one divided "
        + "by the mean weight where it agrees, over every sampled map (the paper's claim: near 0).";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("run", "DIR", "a dlema ensemble run folder"));
    options.addOption(valued("image", "ID", "image id (default: a sampled image with the most annotations)"));
    options.addOption(valued("out", "FILE", "PNG to write (default RUN/weights-<id>.png)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    String file = line.getOptionValue("out");
    if (file != null && !file.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      throw new UsageException("--out must name a .png file (the figure is a PNG), got '" + file + "'");
    }
    Path out = WeightFigure.draw(Path.of(required(line, "run")), line.getOptionValue("image"),
        file != null ? Path.of(file) : null);
    console.out().println("wrote " + out);
    for (WeightRatios r : WeightRatios.of(Path.of(required(line, "run")))) {
      console.out().printf(Locale.ROOT, "member %d: mean weight %.3f where an annotation disagrees with the trusted "
          + "one, %.3f where it agrees: ratio %.3f%n", r.member(), r.disagree(), r.agree(), r.ratio());
    }
    return 0;
  }
}
