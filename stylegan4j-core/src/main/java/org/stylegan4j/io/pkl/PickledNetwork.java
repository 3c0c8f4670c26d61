package org.stylegan4j.io.pkl;

import java.util.List;
import java.util.Map;

/**
 * One {@code dnnlib.tflib.network.Network} of an official StyleGAN pickle, as data: the state dict
 * its {@code __getstate__} wrote, without the build-module source (which the official loader would
 * execute; here only its SHA-256 is kept).
 *
 * @param version state version (2 or 3 for StyleGAN v1)
 * @param name network name: G, D, Gs, G_synthesis, G_mapping
 * @param buildFuncName name of the build function, e.g. G_style, G_synthesis, G_mapping, D_basic
 * @param staticKwargs keyword arguments of the build function (plain values)
 * @param components sub-networks in insertion order (synthesis, then mapping, for a generator)
 * @param variables own variables in creation order
 * @param buildModuleSha256 hex SHA-256 of the UTF-8 build-module source, or "" if absent
 */
public record PickledNetwork(int version, String name, String buildFuncName, Map<String, Object> staticKwargs,
                             Map<String, PickledNetwork> components, List<Variable> variables,
                             String buildModuleSha256) {

    /** Copies the collections. */
    public PickledNetwork {
        staticKwargs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(staticKwargs));
        components = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
        variables = List.copyOf(variables);
    }

    /**
     * One variable of a network.
     *
     * @param name local name, e.g. {@code 4x4/Conv/weight}
     * @param value its value (TF layout)
     */
    public record Variable(String name, NdArray value) {
    }
}
