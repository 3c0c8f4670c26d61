#!/usr/bin/env python3
"""Write the test fixtures of stylegan4j's official-pickle importer.

Usage: python3 tools/make_official_fixture.py [OUTDIR]
       (default OUTDIR: stylegan4j-core/src/test/resources/pkl)

Needs Python 3 and numpy only: no TensorFlow, no dnnlib. A stub module named
dnnlib.tflib.network with a class Network stands in for NVIDIA's class, so the
pickles have the exact layout of the released StyleGAN (v1) files (spec section
13): a tuple (G, D, Gs) of Network objects, each pickled as NEWOBJ + BUILD of the
version-3 state dict, with numpy float32 arrays as variable values. The weights
are random (seeded) and deliberately non-trivial: non-zero biases, noise
strengths and style biases, so that a numerical comparison means something.

Files written:
  tiny32.pkl           resolution 32, narrow (fmap_base 128, fmap_max 16), protocol 4
  tiny32_p2.pkl        the same networks pickled with protocol 2 (bytes via _codecs.encode)
  tiny32_ref.npy       float32 [2, 4, 3, 32, 32]: Gs images for seeds 0..3, psi 0.7 (cutoff 8),
                       then psi 1; randomize_noise=False (the stored noise maps)
  fused128.pkl         resolution 128 (the fused transposed up-convolution), protocol 4
  fused128_ref.npy     float32 [2, 3, 128, 128]: seed 0 with psi 0.7 (cutoff 8), seed 1 with psi 1
  malicious.pkl        a pickle that calls os.system when loaded with Python's pickle
  stylegan2.pkl        a tuple of networks built by StyleGAN2's G_main / D_stylegan2
  progan.pkl           a tuple of networks built by ProGAN's G_paper / D_paper
  bad_widths.pkl       resolution 8; static kwargs claim fmap_max 4, the tensors have 8 channels
  extra_tensor.pkl     resolution 8; Gs's synthesis holds one tensor stylegan4j has no place for
  labels.pkl           resolution 8; a conditional network (label_size 10)

The reference images come from an independent numpy implementation of the
official forward pass, written from the project's written specification of the
official implementation (sections 1 to 4: primitives, mapping, truncation, synthesis).
"""
import os
import pickle
import sys
import types

import numpy as np

SQRT2 = np.sqrt(2.0)
BUILD_MODULE_SRC = "# stand-in for the build module source; stylegan4j keeps it as an opaque string\n"


# --------------------------------------------------------------------------------------------
# Stub of the pickled class
# --------------------------------------------------------------------------------------------

def install_stub_network_class():
    """Registers modules dnnlib, dnnlib.tflib and dnnlib.tflib.network with a class Network."""
    names = ["dnnlib", "dnnlib.tflib", "dnnlib.tflib.network"]
    mods = [types.ModuleType(n) for n in names]
    for n, m in zip(names, mods):
        sys.modules[n] = m

    class Network:
        def __init__(self, state):
            self._state = state

        def __getstate__(self):
            return self._state

    Network.__module__ = "dnnlib.tflib.network"
    Network.__qualname__ = "Network"
    mods[2].Network = Network
    return Network


Network = install_stub_network_class()


def network(name, func, static_kwargs, components, variables):
    return Network(dict(version=3, name=name, static_kwargs=dict(static_kwargs), components=components,
                        build_module_src=BUILD_MODULE_SRC, build_func_name=func, variables=variables))


# --------------------------------------------------------------------------------------------
# Official variable layout with random weights
# --------------------------------------------------------------------------------------------

class Cfg:
    def __init__(self, resolution, fmap_base, fmap_max, latent, dlatent, mapping_layers, mapping_fmaps):
        self.resolution = resolution
        self.R = int(np.log2(resolution))
        self.fmap_base = fmap_base
        self.fmap_max = fmap_max
        self.latent = latent
        self.dlatent = dlatent
        self.mapping_layers = mapping_layers
        self.mapping_fmaps = mapping_fmaps
        self.num_layers = 2 * self.R - 2

    def nf(self, stage):
        return min(int(self.fmap_base / (2.0 ** stage)), self.fmap_max)

    def kwargs(self):
        return dict(num_channels=3, resolution=self.resolution, label_size=0, fmap_base=self.fmap_base,
                    fmap_max=self.fmap_max, latent_size=self.latent, dlatent_size=self.dlatent,
                    mapping_layers=self.mapping_layers, mapping_fmaps=self.mapping_fmaps)


def f32(a):
    return np.ascontiguousarray(a, dtype=np.float32)


def synthesis_vars(cfg, rng):
    """(name, value) in the official creation order, TF layouts."""
    v = [("lod", np.array(0.0, dtype=np.float32))]  # a 0-d ndarray here; G's own lod is a numpy scalar
    for l in range(cfg.num_layers):
        s = 2 ** (l // 2 + 2)
        v.append(("noise%d" % l, f32(rng.standard_normal((1, 1, s, s)))))

    def epilogue(scope, c):
        v.append((scope + "/Noise/weight", f32(rng.normal(0, 0.3, c))))
        v.append((scope + "/bias", f32(rng.normal(0, 0.2, c))))
        v.append((scope + "/StyleMod/weight", f32(rng.standard_normal((cfg.dlatent, 2 * c)))))
        v.append((scope + "/StyleMod/bias", f32(rng.normal(0, 0.2, 2 * c))))

    def conv(scope, cin, cout, k=3):
        v.append((scope + "/weight", f32(rng.standard_normal((k, k, cin, cout)))))

    def torgb(lod, cin):
        v.append(("ToRGB_lod%d/weight" % lod, f32(rng.standard_normal((1, 1, cin, 3)))))
        v.append(("ToRGB_lod%d/bias" % lod, f32(rng.normal(0, 0.1, 3))))

    c = cfg.nf(1)
    v.append(("4x4/Const/const", f32(1.0 + rng.normal(0, 0.5, (1, c, 4, 4)))))
    epilogue("4x4/Const", c)
    conv("4x4/Conv", c, c)
    epilogue("4x4/Conv", c)
    torgb(cfg.R - 2, c)
    for r in range(3, cfg.R + 1):
        s = "%dx%d" % (2 ** r, 2 ** r)
        cin, cout = cfg.nf(r - 2), cfg.nf(r - 1)
        conv(s + "/Conv0_up", cin, cout)
        epilogue(s + "/Conv0_up", cout)
        conv(s + "/Conv1", cout, cout)
        epilogue(s + "/Conv1", cout)
        torgb(cfg.R - r, cout)
    return v


def mapping_vars(cfg, rng):
    v = []
    for i in range(cfg.mapping_layers):
        fin = cfg.latent if i == 0 else cfg.mapping_fmaps
        fout = cfg.dlatent if i == cfg.mapping_layers - 1 else cfg.mapping_fmaps
        v.append(("Dense%d/weight" % i, f32(rng.normal(0, 100.0, (fin, fout)))))  # lrmul 0.01: sigma 1/lrmul
        v.append(("Dense%d/bias" % i, f32(rng.normal(0, 10.0, fout))))  # effective value x0.01
    return v


def d_vars(cfg, rng):
    v = [("lod", np.array(0.0, dtype=np.float32))]

    def layer(name, shape):
        v.append((name + "/weight", f32(rng.standard_normal(shape))))
        v.append((name + "/bias", f32(rng.normal(0, 0.1, shape[-1]))))

    layer("FromRGB_lod0", (1, 1, 3, cfg.nf(cfg.R - 1)))
    for r in range(cfg.R, 2, -1):
        s = "%dx%d" % (2 ** r, 2 ** r)
        layer(s + "/Conv0", (3, 3, cfg.nf(r - 1), cfg.nf(r - 1)))
        layer(s + "/Conv1_down", (3, 3, cfg.nf(r - 1), cfg.nf(r - 2)))
        layer("FromRGB_lod%d" % (cfg.R - r + 1), (1, 1, 3, cfg.nf(r - 2)))
    layer("4x4/Conv", (3, 3, cfg.nf(1) + 1, cfg.nf(1)))
    layer("4x4/Dense0", (cfg.nf(1) * 16, cfg.nf(0)))
    layer("4x4/Dense1", (cfg.nf(0), 1))
    return v


def perturbed(variables, rng, scale):
    """A copy with every float tensor nudged: G and Gs hold different values, as after training."""
    out = []
    for name, value in variables:
        if name == "lod" or name.startswith("noise"):
            out.append((name, value))
        else:
            out.append((name, f32(value + scale * np.abs(value).mean() * rng.standard_normal(value.shape))))
    return out


def generator(name, cfg, synth, mapp, dlatent_avg, kw):
    synthesis = network("G_synthesis", "G_synthesis", dict(kw, structure="auto"), {}, synth)
    mapping = network("G_mapping", "G_mapping", dict(kw, dlatent_broadcast=cfg.num_layers), {}, mapp)
    own = [("lod", np.float32(0.0)), ("dlatent_avg", f32(dlatent_avg))]
    return network(name, "G_style", kw, {"synthesis": synthesis, "mapping": mapping}, own)


# --------------------------------------------------------------------------------------------
# Independent numpy forward pass (spec sections 1 to 4), float64
# --------------------------------------------------------------------------------------------

def lrelu(x):
    return np.maximum(x, 0.2 * x)


def pixel_norm(x):
    return x / np.sqrt(np.mean(x * x, axis=1, keepdims=True) + 1e-8)


def instance_norm(x):
    x = x - x.mean(axis=(2, 3), keepdims=True)
    return x / np.sqrt(np.mean(x * x, axis=(2, 3), keepdims=True) + 1e-8)


def dense(x, w, gain, lrmul=1.0):
    coef = gain / np.sqrt(w.shape[0]) * lrmul
    return x @ (w.astype(np.float64) * coef)


def conv_weight(w, gain):
    kh, kw, cin, _ = w.shape
    return w.astype(np.float64) * (gain / np.sqrt(kh * kw * cin))


def conv2d(x, w):
    """'SAME' stride-1 cross-correlation; w is the effective weight [kh, kw, in, out]."""
    kh, kw = w.shape[:2]
    ph, pw = kh // 2, kw // 2
    n, _, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n, w.shape[3], h, wd))
    for dy in range(kh):
        for dx in range(kw):
            out += np.einsum("nchw,co->nohw", xp[:, :, dy:dy + h, dx:dx + wd], w[dy, dx])
    return out


def upscale2d(x):
    return x.repeat(2, axis=2).repeat(2, axis=3)


def blur(x):
    k = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16.0
    h, w = x.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros_like(x)
    for dy in range(3):
        for dx in range(3):
            out += k[dy, dx] * xp[:, :, dy:dy + h, dx:dx + w]
    return out


def fused_upconv(x, w):
    """Spec 1.4: 4-tap summed 4x4 kernel (no /4), transposed conv with stride 2 and padding 1."""
    p = np.pad(w, ((1, 1), (1, 1), (0, 0), (0, 0)))
    k = p[1:, 1:] + p[:-1, 1:] + p[1:, :-1] + p[:-1, :-1]
    n, _, h, wd = x.shape
    full = np.zeros((n, k.shape[3], 2 * h + 2, 2 * wd + 2))
    for a in range(4):
        for b in range(4):
            full[:, :, a:a + 2 * h:2, b:b + 2 * wd:2] += np.einsum("nchw,co->nohw", x, k[a, b])
    return full[:, :, 1:1 + 2 * h, 1:1 + 2 * wd]


def check_fused_identity(rng):
    """Spec 1.4: the fused up path equals nearest upscale + conv with the spatially flipped kernel."""
    x = rng.standard_normal((2, 3, 5, 5))
    w = rng.standard_normal((3, 3, 3, 4))
    a = fused_upconv(x, w)
    b = conv2d(upscale2d(x), w[::-1, ::-1])
    assert np.abs(a - b).max() < 1e-10, "fused up-convolution self-check failed"


def mapping_forward(m, z, cfg):
    x = pixel_norm(z.astype(np.float64))
    for i in range(cfg.mapping_layers):
        x = lrelu(dense(x, m["Dense%d/weight" % i], SQRT2, 0.01) + m["Dense%d/bias" % i] * 0.01)
    return x


def synthesis_forward(s, ws, cfg):
    n = ws.shape[0]

    def epilogue(x, scope, l):
        c = x.shape[1]
        x = x + s["noise%d" % l] * s[scope + "/Noise/weight"].reshape(1, c, 1, 1)
        x = x + s[scope + "/bias"].reshape(1, c, 1, 1)
        x = instance_norm(lrelu(x))
        style = dense(ws[:, l], s[scope + "/StyleMod/weight"], 1.0) + s[scope + "/StyleMod/bias"]
        ys = style[:, :c].reshape(n, c, 1, 1)
        yb = style[:, c:].reshape(n, c, 1, 1)
        return x * (ys + 1.0) + yb

    x = np.tile(s["4x4/Const/const"].astype(np.float64), (n, 1, 1, 1))
    x = epilogue(x, "4x4/Const", 0)
    x = epilogue(conv2d(x, conv_weight(s["4x4/Conv/weight"], SQRT2)), "4x4/Conv", 1)
    for r in range(3, cfg.R + 1):
        scope = "%dx%d" % (2 ** r, 2 ** r)
        w = conv_weight(s[scope + "/Conv0_up/weight"], SQRT2)
        x = fused_upconv(x, w) if 2 ** r >= 128 else conv2d(upscale2d(x), w)
        x = epilogue(blur(x), scope + "/Conv0_up", 2 * r - 4)
        x = epilogue(conv2d(x, conv_weight(s[scope + "/Conv1/weight"], SQRT2)), scope + "/Conv1", 2 * r - 3)
    rgb = conv2d(x, conv_weight(s["ToRGB_lod0/weight"], 1.0))
    return rgb + s["ToRGB_lod0/bias"].reshape(1, -1, 1, 1)


def gs_run(synth, mapp, dlatent_avg, cfg, seeds, psi, cutoff=8):
    s, m = dict(synth), dict(mapp)
    z = np.stack([np.random.RandomState(seed).randn(cfg.latent) for seed in seeds])
    w = mapping_forward(m, z, cfg)
    ws = np.repeat(w[:, None, :], cfg.num_layers, axis=1)
    if psi != 1:
        avg = dlatent_avg.astype(np.float64)
        for i in range(min(cutoff, cfg.num_layers)):
            ws[:, i] = avg + psi * (ws[:, i] - avg)
    return synthesis_forward(s, ws, cfg).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

def official_triple(cfg, seed, kwargs_update=None, extra_var=None):
    kw = dict(cfg.kwargs(), **(kwargs_update or {}))
    rng = np.random.default_rng(seed)
    synth, mapp, dv = synthesis_vars(cfg, rng), mapping_vars(cfg, rng), d_vars(cfg, rng)
    z = rng.standard_normal((256, cfg.latent))
    g_avg = mapping_forward(dict(mapp), z, cfg).mean(axis=0)
    gs_synth, gs_mapp = perturbed(synth, rng, 0.05), perturbed(mapp, rng, 0.05)
    gs_avg = mapping_forward(dict(gs_mapp), z, cfg).mean(axis=0)
    g = generator("G", cfg, synth, mapp, g_avg, kw)
    d = network("D", "D_basic", kw, {}, dv)
    gs = generator("Gs", cfg, gs_synth + ([extra_var] if extra_var else []), gs_mapp, gs_avg, kw)
    return (g, d, gs), (gs_synth, gs_mapp, gs_avg)


class Malicious:
    """Loading its pickle with Python's pickle would run a shell command."""

    def __reduce__(self):
        return os.system, ("echo stylegan4j-fixture-was-executed",)


def write(path, obj, protocol):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "stylegan4j-core/src/test/resources/pkl"
    os.makedirs(out, exist_ok=True)
    check_fused_identity(np.random.default_rng(0))

    tiny = Cfg(32, fmap_base=128, fmap_max=16, latent=32, dlatent=32, mapping_layers=2, mapping_fmaps=32)
    triple, (synth, mapp, avg) = official_triple(tiny, 1)
    write(os.path.join(out, "tiny32.pkl"), triple, 4)
    write(os.path.join(out, "tiny32_p2.pkl"), triple, 2)
    ref = np.stack([gs_run(synth, mapp, avg, tiny, [0, 1, 2, 3], 0.7),
                    gs_run(synth, mapp, avg, tiny, [0, 1, 2, 3], 1.0)])
    np.save(os.path.join(out, "tiny32_ref.npy"), ref)

    fused = Cfg(128, fmap_base=128, fmap_max=16, latent=16, dlatent=16, mapping_layers=1, mapping_fmaps=16)
    triple, (synth, mapp, avg) = official_triple(fused, 2)
    write(os.path.join(out, "fused128.pkl"), triple, 4)
    ref = np.concatenate([gs_run(synth, mapp, avg, fused, [0], 0.7), gs_run(synth, mapp, avg, fused, [1], 1.0)])
    np.save(os.path.join(out, "fused128_ref.npy"), ref)

    small = Cfg(8, fmap_base=16, fmap_max=8, latent=8, dlatent=8, mapping_layers=1, mapping_fmaps=8)
    write(os.path.join(out, "bad_widths.pkl"), official_triple(small, 4, dict(fmap_max=4))[0], 4)
    extra = ("8x8/Conv1/Extra/weight", f32(np.ones((3, 3, 8, 8))))
    write(os.path.join(out, "extra_tensor.pkl"), official_triple(small, 5, extra_var=extra)[0], 4)
    write(os.path.join(out, "labels.pkl"), official_triple(small, 6, dict(label_size=10))[0], 4)

    rng = np.random.default_rng(3)
    evil = network("G", "G_style", tiny.kwargs(), {}, [("lod", Malicious())])
    write(os.path.join(out, "malicious.pkl"), (evil, evil, evil), 4)

    sg2_synth = network("G_synthesis", "G_synthesis_stylegan2", tiny.kwargs(), {},
                        [("4x4/Conv/mod_weight", f32(rng.standard_normal((32, 16))))])
    sg2_map = network("G_mapping", "G_mapping", tiny.kwargs(), {}, mapping_vars(tiny, rng))
    sg2_g = network("Gs", "G_main", tiny.kwargs(), {"synthesis": sg2_synth, "mapping": sg2_map}, [])
    sg2_d = network("D", "D_stylegan2", tiny.kwargs(), {}, [])
    write(os.path.join(out, "stylegan2.pkl"), (sg2_g, sg2_d, sg2_g), 4)

    pg_g = network("G", "G_paper", tiny.kwargs(), {}, [("4x4/Dense/weight", f32(rng.standard_normal((32, 256))))])
    pg_d = network("D", "D_paper", tiny.kwargs(), {}, [])
    write(os.path.join(out, "progan.pkl"), (pg_g, pg_d, pg_g), 4)


if __name__ == "__main__":
    main()
