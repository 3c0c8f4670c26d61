"""Writes stylegan4j's TorchScript module for gradients with a graph (R1, WGAN-GP), without needing torch.

forward(y, x) = torch.autograd.grad([y], [x], [ones_like(y)], retain_graph=True, create_graph=True)[0]:
the gradient of sum(y) with respect to x, carrying a graph for a penalty on it. DJL exposes only
backward(), which stores such a gradient on x, where it holds its own graph alive (a reference cycle
PyTorch warns about): memory grew by the discriminator's activations at every R1 step. autograd.grad
returns the gradient without storing it.

Usage: python3 tools/make_input_gradient_module.py stylegan4j-core/src/main/resources/org/stylegan4j/nn
"""
import sys
from pathlib import Path

from make_torchscript_fixture import HEADER, write

SOURCE = HEADER + """  def forward(self: __torch__.Model,
    y: Tensor,
    x: Tensor) -> Tensor:
    _0 = torch.autograd.grad([y], [x], annotate(List[Optional[Tensor]], [torch.ones_like(y)]), True, True)
    _1 = _0[0]
    return unchecked_cast(Tensor, _1)
"""


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write(out / "input_gradient.pt", SOURCE)


if __name__ == "__main__":
    main()
