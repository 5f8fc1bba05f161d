#!/usr/bin/env python3
"""Writes src/test/resources/affine.pt, a TorchScript module, without PyTorch.

There is no PyTorch (and no PyPI) in this project's build environment, so this script writes the
TorchScript archive format directly with the Python standard library. It is what
torch.jit.save(torch.jit.script(Affine())) produces for

    class Affine(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.tensor([[1., 2.], [3., 4.], [5., 6.]]))
            self.bias = torch.nn.Parameter(torch.tensor([0.5, -1.]))
        def forward(self, x):
            return torch.matmul(x, self.weight) + self.bias

i.e. a zip archive (entries stored, not compressed) with
  archive/version          the serialization format version
  archive/byteorder        "little"
  archive/code/__torch__.py  the TorchScript source of the class
  archive/data.pkl         the module object (pickle protocol 2): its attributes, tensors as
                           persistent references to storages
  archive/constants.pkl    the constant table (empty)
  archive/data/<key>       raw little-endian storage bytes

Run from the module directory:  python3 src/test/scripts/make_affine_torchscript.py
"""

import struct
import sys
import zipfile

WEIGHT = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
BIAS = [0.5, -1.0]

CODE = '''class Affine(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Tensor
  training : bool
  def forward(self: __torch__.Affine,
    x: Tensor) -> Tensor:
    weight = self.weight
    bias = self.bias
    return torch.add(torch.matmul(x, weight), bias)
'''


def p_int(value):
    if 0 <= value < 256:
        return b"K" + bytes([value])
    if 0 <= value < 65536:
        return b"M" + struct.pack("<H", value)
    return b"J" + struct.pack("<i", value)


def p_str(value):
    data = value.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def p_global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def p_tuple(items):
    return b"(" + b"".join(items) + b"t"


def p_tensor(key, shape):
    numel = 1
    for dim in shape:
        numel *= dim
    stride = []
    step = 1
    for dim in reversed(shape):
        stride.insert(0, step)
        step *= dim
    storage = p_tuple([p_str("storage"), p_global("torch", "FloatStorage"), p_str(key),
                       p_str("cpu"), p_int(numel)]) + b"Q"  # BINPERSID
    args = p_tuple([
        storage,
        p_int(0),                                   # storage offset
        p_tuple([p_int(d) for d in shape]),         # size
        p_tuple([p_int(s) for s in stride]),        # stride
        b"\x89",                                    # requires_grad = False
        p_global("collections", "OrderedDict") + b")R",  # backward hooks = OrderedDict()
    ])
    return p_global("torch._utils", "_rebuild_tensor_v2") + args + b"R"


def data_pkl():
    out = b"\x80\x02" + p_global("__torch__", "Affine") + b")\x81"  # cls.__new__(cls)
    out += b"}("                                                     # state dict
    out += p_str("training") + b"\x89"                               # eval mode
    out += p_str("weight") + p_tensor("0", [3, 2])
    out += p_str("bias") + p_tensor("1", [2])
    out += b"ub."                                                    # SETITEMS BUILD STOP
    return out


def floats(values):
    return struct.pack("<%df" % len(values), *values)


def main(path):
    flat_weight = [v for row in WEIGHT for v in row]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", data_pkl())
        archive.writestr("archive/code/__torch__.py", CODE)
        archive.writestr("archive/constants.pkl", b"\x80\x02).")
        archive.writestr("archive/data/0", floats(flat_weight))
        archive.writestr("archive/data/1", floats(BIAS))
        archive.writestr("archive/version", "6\n")
        archive.writestr("archive/byteorder", "little")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/affine.pt")
