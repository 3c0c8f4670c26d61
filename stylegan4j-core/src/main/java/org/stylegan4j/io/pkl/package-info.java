/**
 * Safe import of NVIDIA's published StyleGAN (v1) networks: a pickle reader that builds only an
 * allow-listed set of objects and calls nothing ({@link org.stylegan4j.io.pkl.SafeUnpickler}), and the
 * mapping of the official TensorFlow variables to stylegan4j's parameters
 * ({@link org.stylegan4j.io.pkl.OfficialImport}).
 */
package org.stylegan4j.io.pkl;
