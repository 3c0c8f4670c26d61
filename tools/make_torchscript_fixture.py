"""Writes tiny TorchScript archives for the metrics tests without needing torch installed.

A TorchScript file is a zip holding the module's TorchScript source (code/__torch__.py), its pickled object
(data.pkl) and constants (constants.pkl). The modules here have no parameters, so no tensor storage is needed:

* mean_features.pt: forward(x) = mean of x (as float32, so uint8 input works too) over H and W, [N, C] (a feature
  extractor with C features);
* pair_distance.pt: forward(x0, x1) = mean over C, H, W of (x0 - x1)^2, [N] (a path-length distance);
* per_image_mean.pt: forward(x) = mean of x over C, H and W, [N] (a network of the wrong output rank for features
  and attributes);
* pair_map.pt: forward(x0, x1) = (x0 - x1)^2, [N, C, H, W] (a path-length network of the wrong output shape);
* uint8_only.pt: forward(x) = mean over H and W of bitwise_not(x) as float32, [N, C]: 255 - mean for uint8 input; the
  engine refuses float input (bitwise_not has no float kernel), a network of the wrong input convention;
* return_features.pt: forward(x, return_features: bool=False) = x flattened, [N, C*H*W], by default and the mean over H
  and W, [N, C], with return_features=True (the signature of NVIDIA's inception-2015-12-05.pt);
* not_torchscript.pt: a zip without TorchScript content (must be rejected).

Usage: python3 tools/make_torchscript_fixture.py stylegan4j-core/src/test/resources/org/stylegan4j/metrics
"""
import sys
import zipfile
from pathlib import Path

DATA_PKL = (b"\x80\x02c__torch__\nModel\nq\x00)\x81}q\x01X\x08\x00\x00\x00trainingq\x02\x88sb.")
CONSTANTS_PKL = b"\x80\x02)q\x00."
# The class header of a TorchScript module without parameters or buffers; sources append forward().
HEADER = """class Model(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
"""

MEAN_SRC = HEADER + """  def forward(self: __torch__.Model,
    x: Tensor) -> Tensor:
    return torch.mean(torch.to(x, 6), [2, 3])
"""

PAIR_SRC = HEADER + """  def forward(self: __torch__.Model,
    x0: Tensor,
    x1: Tensor) -> Tensor:
    d = torch.sub(x0, x1)
    return torch.mean(torch.mul(d, d), [1, 2, 3])
"""

PER_IMAGE_SRC = HEADER + """  def forward(self: __torch__.Model,
    x: Tensor) -> Tensor:
    return torch.mean(torch.to(x, 6), [1, 2, 3])
"""

PAIR_MAP_SRC = HEADER + """  def forward(self: __torch__.Model,
    x0: Tensor,
    x1: Tensor) -> Tensor:
    d = torch.sub(x0, x1)
    return torch.mul(d, d)
"""

UINT8_ONLY_SRC = HEADER + """  def forward(self: __torch__.Model,
    x: Tensor) -> Tensor:
    return torch.mean(torch.to(torch.bitwise_not(x), 6), [2, 3])
"""

RETURN_FEATURES_SRC = HEADER + """  def forward(self: __torch__.Model,
    x: Tensor,
    return_features: bool=False) -> Tensor:
    if return_features:
      _0 = torch.mean(torch.to(x, 6), [2, 3])
    else:
      _0 = torch.flatten(torch.to(x, 6), 1)
    return _0
"""


def write(path: Path, source: str) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in [("data.pkl", DATA_PKL), ("code/__torch__.py", source.encode()),
                           ("constants.pkl", CONSTANTS_PKL), ("version", b"3\n"), (".data/version", b"3\n"),
                           ("byteorder", b"little")]:
            info = zipfile.ZipInfo("archive/" + name, date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, data)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write(out / "mean_features.pt", MEAN_SRC)
    write(out / "pair_distance.pt", PAIR_SRC)
    write(out / "per_image_mean.pt", PER_IMAGE_SRC)
    write(out / "pair_map.pt", PAIR_MAP_SRC)
    write(out / "uint8_only.pt", UINT8_ONLY_SRC)
    write(out / "return_features.pt", RETURN_FEATURES_SRC)
    with zipfile.ZipFile(out / "not_torchscript.pt", "w") as z:
        z.writestr(zipfile.ZipInfo("hello.txt", date_time=(2020, 1, 1, 0, 0, 0)), b"not a model")


if __name__ == "__main__":
    main()
