package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.export.RestRequest;
import org.dlema.io.JsonFiles;

/** {@code dlema request}: the REST body TF Serving expects for one image, ready for curl. */
final class RequestCommand extends OptionsCommand {
  RequestCommand() {
    super("request");
  }

  @Override
  public String summary() {
    return "print the TF Serving REST request body for one image (for curl or any HTTP client)";
  }

  @Override
  String description() {
    return "Reads the model's signatures from saved_model.pb and writes the JSON body of a REST predict request "
        + "(POST http://HOST:8501/v1/models/NAME:predict) for the image, in the row format: for image_bytes (the "
        + "default when the model has it) the file as it is, base64-encoded as {\"b64\": ...}; for a pixel "
        + "signature (serving_default, a fusion rule) the image as an h x w x 3 array of 0..255 values. The "
        + "answer's mask_png_bytes and probability_png_bytes (image_bytes only) are base64 PNG files. "
        + "docs/serving.md shows "
        + "the round trip.";
  }

  @Override
  String footer() {
    return "Example: dlema request --model runs/quickstart/export/quickstart-dlema/1 --image lesion.jpg --out "
        + "body.json && curl -d @body.json http://localhost:8501/v1/models/quickstart-dlema:predict";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("model", "DIR", "an exported version folder, e.g. export/NAME/1, or the model's base "
        + "path export/NAME, whose highest version is used"));
    options.addOption(valued("image", "FILE", "the image file (JPEG, PNG, BMP or GIF)"));
    options.addOption(valued("signature", "NAME", "the signature to call (default image_bytes when the model has "
        + "it, else serving_default)"));
    options.addOption(valued("out", "FILE", "write the body here instead of printing it"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path model = modelFolder(Path.of(required(line, "model")), console);
    Path image = Path.of(required(line, "image"));
    String body = RestRequest.body(model, line.getOptionValue("signature"), image);
    if (line.hasOption("out")) {
      Path out = Path.of(line.getOptionValue("out"));
      JsonFiles.writeString(out, body + "\n");
      console.err().println("wrote the request for " + image + " to " + out);
    } else {
      console.out().println(body);
    }
    return 0;
  }
}
