package org.stylegan4j.model;

/**
 * One row of a network's architecture table.
 *
 * @param name scope name, as in the official networks
 * @param params trainable parameters of the scope
 * @param outputShape output shape of one sample, e.g. [512, 4, 4]
 * @param flops multiply-adds times two for one sample (convolutions, transposed convolutions, blurs, dense layers)
 */
public record LayerInfo(String name, long params, String outputShape, long flops) {
}
