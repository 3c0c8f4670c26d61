package org.stylegan4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every official generator tensor, in order, with its shape and the official totals (spec section 6). */
class OfficialParityTest {

    static JsonNode spec(int resolution) throws IOException {
        try (InputStream in = OfficialParityTest.class.getResourceAsStream("/spec/official_param_shapes_" + resolution + ".json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** Converts an official TF-layout shape to stylegan4j's PyTorch layout. */
    static List<Long> toTorchLayout(String kind, JsonNode shape) {
        List<Long> s = new ArrayList<>();
        shape.forEach(d -> s.add(d.asLong()));
        if (s.size() == 4 && !kind.startsWith("noise") && !kind.equals("const")) {
            return List.of(s.get(3), s.get(2), s.get(0), s.get(1));
        }
        if (s.size() == 2) {
            return List.of(s.get(1), s.get(0));
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 256, 1024})
    void generatorMatchesOfficialTensorsAndCounts(int resolution) throws IOException {
        JsonNode spec = spec(resolution);
        try (Generator g = new Generator(ModelConfig.official(resolution), 1)) {
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (String net : List.of("G_own", "G_synthesis", "G_mapping")) {
                String prefix = net.equals("G_own") ? "" : net.equals("G_synthesis") ? "synthesis." : "mapping.";
                for (JsonNode v : spec.get("networks").get(net)) {
                    String name = v.get("name").asText();
                    if (name.equals("lod")) {
                        continue;
                    }
                    expected.add(prefix + name.replace('/', '.') + " " + toTorchLayout(v.get("kind").asText(), v.get("shape"))
                            + " " + v.get("trainable").asBoolean());
                }
            }
            for (ParameterStore.Parameter p : g.parameters().all()) {
                actual.add(p.name() + " " + Arrays.stream(p.array().getShape().getShape()).boxed().toList() + " " + p.trainable());
            }
            assertEquals(expected, actual);
            JsonNode totals = spec.get("totals");
            assertEquals(totals.get("G_mapping_trainable").asLong(), g.mappingParameterCount());
            assertEquals(totals.get("G_synthesis_trainable").asLong(), g.synthesisParameterCount());
            assertEquals(totals.get("G_trainable").asLong(), g.parameterCount());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 256, 1024})
    void discriminatorMatchesOfficialTensorsAndCounts(int resolution) throws IOException {
        JsonNode spec = spec(resolution);
        try (Discriminator d = new Discriminator(ModelConfig.official(resolution), 1)) {
            List<String> expected = new ArrayList<>();
            for (JsonNode v : spec.get("networks").get("D")) {
                String name = v.get("name").asText();
                if (!name.equals("lod")) {
                    expected.add(name.replace('/', '.') + " " + toTorchLayout(v.get("kind").asText(), v.get("shape")));
                }
            }
            List<String> actual = new ArrayList<>();
            for (ParameterStore.Parameter p : d.parameters().all()) {
                actual.add(p.name() + " " + Arrays.stream(p.array().getShape().getShape()).boxed().toList());
            }
            assertEquals(expected, actual);
            assertEquals(spec.get("totals").get("D_trainable").asLong(), d.parameterCount());
        }
    }
}
