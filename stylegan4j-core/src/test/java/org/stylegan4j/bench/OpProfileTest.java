package org.stylegan4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.stylegan4j.nn.Engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OpProfile}: self times from nested trace events, operator kinds, and a real profile of the engine. */
class OpProfileTest {

    private static JsonNode trace(String json) throws Exception {
        return new ObjectMapper().readTree(json.replace('\'', '"'));
    }

    @Test
    void selfTimeIsTheDurationLessTheChildrenAndTheRestIsOutsideTheEngine() throws Exception {
        // thread 1: conv2d 0-100 us containing mkldnn_convolution 10-90 (with a child fill_ 20-30); add 150-170;
        // thread 2: a depthwise convolution 0-50; a metadata event without a duration is ignored
        JsonNode events = trace("[{'name':'aten::conv2d','ph':'X','ts':0,'dur':100,'tid':1,'shape':[[1,8,4,4],[8,8,3,3]]},"
                + "{'name':'aten::mkldnn_convolution','ph':'X','ts':10,'dur':80,'tid':1,'shape':[[1,8,4,4],[8,8,3,3]]},"
                + "{'name':'aten::fill_','ph':'X','ts':20,'dur':10,'tid':1,'shape':[[8],[]]},"
                + "{'name':'aten::add','ph':'X','ts':150,'dur':20,'tid':1,'shape':[[1,8,4,4],[1,8,1,1],[]]},"
                + "{'name':'aten::mkldnn_convolution','ph':'X','ts':0,'dur':50,'tid':2,'shape':[[1,8,4,4],[8,1,3,3]]},"
                + "{'name':'thread_name','ph':'M','tid':1}]");
        OpProfile.Result r = OpProfile.summarise(events, 0.4, 10);
        // outermost: conv2d 100 + add 20 (thread 1) + 50 (thread 2) = 170 us
        assertEquals(0.170, r.engineMilliseconds(), 1e-9);
        // convolution: conv2d's self 100 - 80 = 20, mkldnn's 80 - 10 = 70
        assertEquals(0.090, r.byKind().get("convolution"), 1e-9);
        assertEquals(0.050, r.byKind().get("depthwise blur"), 1e-9);
        assertEquals(0.030, r.byKind().get("element-wise"), 1e-9);
        assertEquals(0.400 - 0.170, r.byKind().get("outside the engine (Java, JNI)"), 1e-9);
        assertEquals("aten::mkldnn_convolution", r.top().get(0).name());
        assertEquals(0.070, r.top().get(0).milliseconds(), 1e-9);
    }

    @Test
    void onlyTheEventsAfterTheMarkerCount() throws Exception {
        JsonNode events = trace("[{'name':'aten::add','ph':'X','ts':0,'dur':500,'tid':1,'shape':[[4],[4],[]]},"
                + "{'name':'aten::neg','ph':'X','ts':600,'dur':5,'tid':1,'shape':[[3,5,7,11,2]]},"
                + "{'name':'aten::neg','ph':'X','ts':610,'dur':5,'tid':1,'shape':[[3,5,7,11]]},"
                + "{'name':'aten::add','ph':'X','ts':620,'dur':50,'tid':1,'shape':[[4],[4],[]]}]");
        OpProfile.Result r = OpProfile.summarise(OpProfile.afterMarker(events), 0.1, 10);
        assertEquals(0.055, r.engineMilliseconds(), 1e-9);
        assertEquals(0.055, r.byKind().get("element-wise"), 1e-9);
    }

    @Test
    void operatorsFallIntoTheirKinds() throws Exception {
        JsonNode none = trace("[]");
        assertEquals("matrix product", OpProfile.kind("aten::addmm", none));
        assertEquals("copy, pad, concatenate", OpProfile.kind("aten::constant_pad_nd", none));
        assertEquals("element-wise", OpProfile.kind("aten::leaky_relu_backward", none));
        assertEquals("element-wise", OpProfile.kind("aten::mul_", none));
        assertEquals("reduction", OpProfile.kind("aten::mean", none));
        assertEquals("random", OpProfile.kind("aten::normal_", none));
        assertEquals("instance norm (AdaIN)", OpProfile.kind("aten::native_batch_norm", none));
        assertEquals("other", OpProfile.kind("aten::as_strided", none));
    }

    @Test
    void profilesTheEnginesOperators() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(2, 8, 16, 16));
            NDArray w = m.randomNormal(new Shape(8, 8, 3, 3));
            OpProfile.Result r = OpProfile.of(() -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1),
                            new Shape(1, 1), 1).singletonOrThrow().add(x);
                    y.attach(s);
                    y.toFloatArray();
                }
            }, 5);
            assertTrue(r.byKind().get("convolution") > 0, r.toString());
            assertTrue(r.byKind().get("element-wise") > 0, r.toString());
            assertTrue(r.engineMilliseconds() <= r.wallMilliseconds(), r.toString());
        }
    }
}
