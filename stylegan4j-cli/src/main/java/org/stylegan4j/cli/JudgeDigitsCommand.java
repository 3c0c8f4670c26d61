package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.digits.DigitClassifier;
import org.stylegan4j.digits.DigitSampleJudge;
import org.stylegan4j.model.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code stylegan4j judge-digits}: the digits acceptance check of a trained generator. */
@Command(name = "judge-digits", mixinStandardHelpOptions = true,
        description = "Label N samples of a 32x32 digits generator with the bundled classifier: share labelled with "
                + "confidence >= 0.9 and the share of each digit among them.")
public final class JudgeDigitsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions network;

    @Option(names = "--num", defaultValue = "1000", description = "Samples (seeds 0..N-1; default ${DEFAULT-VALUE}).")
    int num;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (num < 1 || num > 1_000_000) {
            throw new StyleGanInputException("--num must be between 1 and 1000000, got " + num);
        }
        DigitClassifier.Judgement j;
        try (Generator g = network.load(); DigitClassifier classifier = DigitClassifier.bundled();
             ProgressBar bar = Progress.bar("judge", num, "img")) {
            j = DigitSampleJudge.judge(g, classifier, num, bar::stepTo);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("samples", j.samples());
            o.put("confidence", j.confidence());
            o.put("confidentFraction", j.confidentFraction());
            o.put("minDigitShare", j.minDigitShare());
            o.put("rarestDigit", j.rarestDigit());
            o.set("confidentPerDigit", m.valueToTree(j.confidentPerDigit()));
            o.put("passesAcceptance", j.passesAcceptance());
            out.println(m.writeValueAsString(o));
        } else {
            out.println(j.describe());
            out.println("acceptance (>= 80% confident, every digit >= 4% of them): "
                    + (j.passesAcceptance() ? "passed" : "not passed"));
        }
        out.flush();
        return 0;
    }
}
