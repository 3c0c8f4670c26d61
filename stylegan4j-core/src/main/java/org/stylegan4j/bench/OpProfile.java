package org.stylegan4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stylegan4j.nn.Engines;

/**
 * Where the time of one pass goes, operator by operator: runs the pass under PyTorch's profiler
 * ({@code JniUtils.startProfile}, a Chrome trace), takes each operator's self time (its duration less its
 * children's) and sums it by kind. What the trace does not cover, the wall time less the operators, is Java-side
 * work and the JNI calls between operators. The pass runs twice under the profiler and only the second is
 * summarised: the profiler's own allocations make the first pass's large tensors land on fresh pages, and their
 * page faults (up to 10x the operator) would be charged to whatever operator touched them first. A marker
 * operator between the two passes tells them apart in the trace. The profiler slows small operators down, so
 * shares are comparable between profiles, not with unprofiled timings. Profiles the CPU engine (on a GPU the trace
 * holds the launches).
 */
public final class OpProfile {

    /** Operator kinds, in report order. */
    public static final List<String> KINDS = List.of("convolution", "depthwise blur", "matrix product",
            "instance norm (AdaIN)", "element-wise", "reduction", "copy, pad, concatenate", "random", "other");

    /** Shape of the marker operator ({@code aten::neg}) that separates the warm-up pass from the profiled one. */
    private static final Shape MARKER = new Shape(3, 5, 7, 11, 2);

    /**
     * @param name operator, e.g. {@code aten::add}
     * @param shapes its input shapes as the profiler recorded them
     * @param milliseconds self time summed over its calls with these shapes
     * @param calls number of calls
     */
    public record Op(String name, String shapes, double milliseconds, int calls) {
    }

    /**
     * @param wallMilliseconds wall time of the profiled pass
     * @param engineMilliseconds time inside the engine's operators (outermost calls)
     * @param byKind self time per operator kind, plus "outside the engine (Java, JNI)"
     * @param top the costliest operators by name and shapes, most expensive first
     */
    public record Result(double wallMilliseconds, double engineMilliseconds, Map<String, Double> byKind, List<Op> top) {
    }

    private OpProfile() {
    }

    /**
     * @param pass the work to profile (run twice, after the caller's warm-up; the second run is summarised)
     * @param topOps how many of the costliest operators to list
     * @return the profile
     */
    public static Result of(Runnable pass, int topOps) {
        Path trace;
        try {
            trace = Files.createTempFile("stylegan4j-profile", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JniUtils.startProfile(false, true, false);
            double wall;
            long t0 = 0;
            try {
                pass.run();
                try (NDManager m = Engines.newManager()) {
                    m.ones(MARKER).neg();
                }
                t0 = System.nanoTime();
                pass.run();
            } finally {
                wall = (System.nanoTime() - t0) / 1e6;
                JniUtils.stopProfile(trace.toString());
            }
            return summarise(afterMarker(new ObjectMapper().readTree(trace.toFile())), wall, topOps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException e) {
                trace.toFile().deleteOnExit();
            }
        }
    }

    /**
     * @param events a trace of the warm-up pass, the marker and the profiled pass
     * @return the events that start after the marker ends
     */
    static List<JsonNode> afterMarker(JsonNode events) {
        String marker = Arrays.toString(MARKER.getShape()).replace(" ", "");
        double end = Double.NEGATIVE_INFINITY;
        for (JsonNode e : events) {
            if ("aten::neg".equals(e.path("name").asText()) && e.path("shape").path(0).toString().equals(marker)) {
                end = end(e);
            }
        }
        List<JsonNode> after = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.path("ts").asDouble() >= end) {
                after.add(e);
            }
        }
        return after;
    }

    /**
     * Sums a Chrome trace's complete events ("ph": "X") by self time.
     *
     * @param events the trace (an array of events)
     * @param wallMilliseconds wall time of the traced work
     * @param topOps how many operators to list
     * @return the profile
     */
    static Result summarise(Iterable<JsonNode> events, double wallMilliseconds, int topOps) {
        List<JsonNode> ops = new ArrayList<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText())) {
                ops.add(e);
            }
        }
        ops.sort(Comparator.comparingLong((JsonNode e) -> e.path("tid").asLong())
                .thenComparingDouble(e -> e.path("ts").asDouble())
                .thenComparingDouble(e -> -e.path("dur").asDouble()));
        double[] children = new double[ops.size()];
        Deque<Integer> open = new ArrayDeque<>();
        double outermost = 0;
        long tid = Long.MIN_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            JsonNode e = ops.get(i);
            if (e.path("tid").asLong() != tid) {
                tid = e.path("tid").asLong();
                open.clear();
            }
            double start = e.path("ts").asDouble();
            while (!open.isEmpty() && end(ops.get(open.peek())) <= start) {
                open.pop();
            }
            if (open.isEmpty()) {
                outermost += e.path("dur").asDouble();
            } else {
                children[open.peek()] += e.path("dur").asDouble();
            }
            open.push(i);
        }
        Map<String, Double> byKind = new LinkedHashMap<>();
        KINDS.forEach(k -> byKind.put(k, 0.0));
        Map<String, Op> byOp = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            JsonNode e = ops.get(i);
            double self = Math.max(0, e.path("dur").asDouble() - children[i]) / 1000;
            String name = e.path("name").asText();
            String shapes = e.path("shape").toString();
            byKind.merge(kind(name, e.path("shape")), self, Double::sum);
            byOp.merge(name + " " + shapes, new Op(name, shapes, self, 1),
                    (a, b) -> new Op(a.name(), a.shapes(), a.milliseconds() + b.milliseconds(), a.calls() + 1));
        }
        double engine = outermost / 1000;
        byKind.put("outside the engine (Java, JNI)", Math.max(0, wallMilliseconds - engine));
        List<Op> top = byOp.values().stream().sorted(Comparator.comparingDouble(Op::milliseconds).reversed())
                .limit(topOps).toList();
        return new Result(wallMilliseconds, engine, byKind, top);
    }

    private static double end(JsonNode e) {
        return e.path("ts").asDouble() + e.path("dur").asDouble();
    }

    /**
     * @param name operator name
     * @param shapes its input shapes
     * @return its kind, one of {@link #KINDS}
     */
    static String kind(String name, JsonNode shapes) {
        String op = name.startsWith("aten::") ? name.substring(6) : name;
        if (op.contains("conv")) {
            JsonNode weight = shapes.path(1);
            return weight.size() == 4 && weight.path(1).asLong() == 1 ? "depthwise blur" : "convolution";
        }
        if (op.equals("addmm") || op.equals("mm") || op.equals("bmm") || op.equals("matmul") || op.equals("linear")
                || op.startsWith("addmm") || op.endsWith("_mm")) {
            return "matrix product";
        }
        if (op.equals("copy_") || op.equals("cat") || op.equals("constant_pad_nd") || op.equals("clone")
                || op.equals("contiguous") || op.equals("to") || op.equals("_to_copy") || op.equals("pad")) {
            return "copy, pad, concatenate";
        }
        if (op.startsWith("normal") || op.startsWith("uniform") || op.startsWith("rand")) {
            return "random";
        }
        if (op.contains("batch_norm")) {
            return "instance norm (AdaIN)";
        }
        if (op.equals("sum") || op.equals("mean") || op.startsWith("var") || op.startsWith("std")) {
            return "reduction";
        }
        if (op.matches("(add|sub|mul|div|pow|sqrt|rsqrt|leaky_relu|neg|exp|log|square|abs|clamp|where|"
                + "softplus|sigmoid|relu|threshold|fill|zero|addcmul|addcdiv|lerp|maximum|minimum)_?"
                + "(_backward)?")) {
            return "element-wise";
        }
        return "other";
    }
}
