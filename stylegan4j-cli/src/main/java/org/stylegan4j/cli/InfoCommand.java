package org.stylegan4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.LayerInfo;
import org.stylegan4j.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stylegan4j info}: the architecture layer by layer and the parameter counts. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the architecture per layer and the parameter counts of each network.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--resolution", defaultValue = "1024", description = "Output resolution (default ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--preset", defaultValue = "ffhq", description = "ffhq, B, C, D, E, F or small (alias digits) (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--network", paramLabel = "FILE", description = "Describe the network of a checkpoint instead.")
    Path network;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = network != null ? Checkpoint.readConfig(network) : ModelConfig.preset(preset, resolution);
        PrintWriter out = spec.commandLine().getOut();
        try (Generator g = new Generator(config, 0); Discriminator d = new Discriminator(config, 0)) {
            if (json) {
                out.println(asJson(config, g, d));
            } else {
                printTables(config, g, d, out);
            }
        }
        out.flush();
        return 0;
    }

    private static String asJson(ModelConfig config, Generator g, Discriminator d) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("resolution", config.resolution());
        root.put("preset", config.preset());
        root.put("layers", config.numLayers());
        ObjectNode params = root.putObject("params");
        params.put("mapping", g.mappingParameterCount());
        params.put("synthesis", g.synthesisParameterCount());
        params.put("generator", g.parameterCount());
        params.put("discriminator", d.parameterCount());
        root.put("generatorFlopsPerImage", g.flopsPerImage());
        root.put("discriminatorFlopsPerImage", d.flopsPerImage());
        root.set("config", m.valueToTree(config));
        ArrayNode arr = root.putArray("generatorLayers");
        for (LayerInfo r : g.describe()) {
            ObjectNode o = arr.addObject();
            o.put("name", r.name());
            o.put("params", r.params());
            o.put("output", r.outputShape());
            o.put("flops", r.flops());
        }
        return m.writeValueAsString(root);
    }

    private static void printTables(ModelConfig config, Generator g, Discriminator d, PrintWriter out) {
        out.printf("StyleGAN generator, preset %s, %dx%d, %d layers%n", config.preset(), config.resolution(),
                config.resolution(), config.numLayers());
        out.printf("%-36s %12s  %-18s %14s%n", "layer", "params", "output", "MFLOP/img");
        for (LayerInfo r : g.describe()) {
            out.printf("%-36s %,12d  %-18s %,14.1f%n", r.name(), r.params(), r.outputShape(), r.flops() / 1e6);
        }
        out.printf("%nG_mapping    %,14d%nG_synthesis  %,14d%nG total      %,14d%n", g.mappingParameterCount(),
                g.synthesisParameterCount(), g.parameterCount());
        out.printf("G GFLOP/img  %14.2f%n", g.flopsPerImage() / 1e9);
        out.printf("%nDiscriminator%n");
        out.printf("%-36s %12s%n", "scope", "params");
        for (Map.Entry<String, Long> e : d.scopeParameterCounts().entrySet()) {
            out.printf("%-36s %,12d%n", e.getKey(), e.getValue());
        }
        out.printf("%nD total      %,14d%nD GFLOP/img  %14.2f%n", d.parameterCount(), d.flopsPerImage() / 1e9);
    }
}
