package org.stylegan4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.digits.DigitClassifierTrainer;
import org.stylegan4j.digits.Digits;
import org.stylegan4j.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stylegan4j train-classifier}: trains the digits evaluation classifier and writes its weights. */
@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = "Train the digits evaluation classifier (a small CNN) on labelled 32x32 digits; every 10th image"
                + " by name is held back and its accuracy reported.")
final class TrainClassifierCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Zip or directory of 32x32 grayscale digits with dataset.json labels, e.g. data/mnist32.zip.")
    Path data;

    @Option(names = "--out", required = true, description = "Output weights (.safetensors).")
    Path out;

    @Option(names = "--epochs", defaultValue = "16", description = "Passes over the training images (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of weights, shuffling and shifts (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || epochs > 1000) {
            throw new StyleGanInputException("--epochs must be between 1 and 1000, got " + epochs);
        }
        OutputFiles.file(out, force);
        AtomicFiles.checkWritableParent(out);
        PrintWriter stdout = spec.commandLine().getOut();
        Digits.Split split = Digits.split(data);
        stdout.printf("training on %d digits, %d held back, %d epochs, seed %d%n",
                split.train().size(), split.heldBack().size(), epochs, seed);
        stdout.flush();
        double[] epochAccuracy = new double[epochs];
        DigitClassifierTrainer.Result result = train(split, epochAccuracy);
        try (var classifier = result.classifier()) {
            classifier.save(out, metadata(result, split));
        }
        for (int e = 0; e < result.epochLoss().length; e++) {
            stdout.printf(Locale.ROOT, "epoch %d: train loss %.4f, held-back accuracy %.2f%%%n", e + 1,
                    result.epochLoss()[e], 100 * epochAccuracy[e]);
        }
        stdout.printf(Locale.ROOT, "held-back accuracy %.2f%% (%d images)%n", 100 * result.heldBackAccuracy(),
                split.heldBack().size());
        stdout.println("wrote " + out);
        stdout.flush();
        return 0;
    }

    /** Trains with a progress bar, recording each epoch's held-back accuracy. */
    private DigitClassifierTrainer.Result train(Digits.Split split, double[] epochAccuracy) {
        DigitClassifierTrainer.Options options = DigitClassifierTrainer.Options.defaults(epochs, seed);
        try (ProgressBar bar = Progress.bar("train-classifier", 1, "steps")) {
            return DigitClassifierTrainer.train(split.train(), split.heldBack(), options,
                    new DigitClassifierTrainer.Listener() {
                        private String lastEpoch = "";

                        @Override
                        public void step(int step, int totalSteps, double loss) {
                            bar.maxHint(totalSteps);
                            bar.stepTo(step);
                            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f%s", loss, lastEpoch));
                        }

                        @Override
                        public void epoch(int epoch, double meanLoss, double heldBackAccuracy) {
                            epochAccuracy[epoch - 1] = heldBackAccuracy;
                            lastEpoch = String.format(Locale.ROOT, " (epoch %d: held-back %.2f%%)",
                                    epoch, 100 * heldBackAccuracy);
                        }
                    });
        }
    }

    private Map<String, String> metadata(DigitClassifierTrainer.Result result, Digits.Split split) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("command", "stylegan4j train-classifier --data " + data + " --out " + out.getFileName()
                + " --epochs " + epochs + " --seed " + seed);
        meta.put("held_back_accuracy", String.format(Locale.ROOT, "%.4f", result.heldBackAccuracy()));
        meta.put("held_back", split.heldBack().size() + " images: every " + Digits.HELD_BACK_EVERY
                + "th by sorted name, never trained on");
        meta.put("train_images", Integer.toString(split.train().size()));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("seed", Long.toString(seed));
        meta.put("final_train_loss", String.format(Locale.ROOT, "%.5f",
                result.epochLoss()[result.epochLoss().length - 1]));
        return meta;
    }
}
