/**
 * Projection of real images into a trained generator: the latent (w, or one w per layer) and noise maps that
 * reproduce a target image, found by optimisation ({@link org.stylegan4j.projection.Projector}).
 */
package org.stylegan4j.projection;
