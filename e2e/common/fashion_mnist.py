"""Fashion-MNIST (Debian's dataset-fashion-mnist) and the small CNN that the
calibration and deployment suites train on it at test time.

The network has what post-training quantization has to get right: Conv +
BatchNorm + ReLU, a residual Add, max and average pooling, a Concat of two
branches, a Conv -> ReLU -> Conv chain (weight equalization applies) and a
Linear head. Two epochs over 20,000 images take about ten seconds on two
cores and reaches about 85% top-1 on the test set.
"""

import gzip
import os
import struct

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
# Input normalization: (x / 255 - 0.5) / 0.5 = (x - 127.5) / 127.5, the same
# as model_transform's --mean 127.5 --scale 1/127.5 on gray images.
MEAN = 127.5
SCALE = 1.0 / 127.5


def load(split):
    """(images uint8 [N, 28, 28], labels int64 [N]) of "train" or "t10k"."""
    def read(name):
        path = os.path.join(DATA_DIR, name)
        with gzip.open(path, "rb") as f:
            return f.read()
    raw = read(f"{split}-images-idx3-ubyte.gz")
    magic, count, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051:
        raise ValueError(f"bad idx image magic {magic}")
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols)
    raw = read(f"{split}-labels-idx1-ubyte.gz")
    magic, count = struct.unpack(">II", raw[:8])
    if magic != 2049:
        raise ValueError(f"bad idx label magic {magic}")
    labels = np.frombuffer(raw, np.uint8, offset=8).astype(np.int64)
    return images, labels


def normalize(images):
    """uint8 [N, 28, 28] -> float32 [N, 1, 28, 28] as the model expects."""
    return ((images.astype(np.float32) - MEAN) * np.float32(SCALE))[:, None]


def build_model():
    import torch
    from torch import nn

    def conv_bn(cin, cout, k):
        return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False),
                             nn.BatchNorm2d(cout), nn.ReLU())

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = conv_bn(1, 16, 3)
            self.res = nn.Sequential(
                nn.Conv2d(16, 16, 3, padding=1, bias=False),
                nn.BatchNorm2d(16))
            self.pool = nn.MaxPool2d(2)
            self.branch_a = conv_bn(16, 24, 3)
            self.branch_b = nn.Sequential(nn.Conv2d(16, 8, 1), nn.ReLU())
            self.mix = nn.Sequential(conv_bn(32, 32, 3),
                                     nn.Conv2d(32, 32, 1), nn.ReLU())
            self.head = nn.Linear(32, 10)

        def forward(self, x):
            x = self.stem(x)
            x = torch.relu(x + self.res(x))
            x = self.pool(x)
            x = torch.cat([self.branch_a(x), self.branch_b(x)], dim=1)
            x = self.pool(x)
            x = self.mix(x)
            x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
            return self.head(x)

    return Net()


def train(train_count=20000, epochs=2, seed=0, threads=2):
    """Trains the CNN on the first `train_count` training images; returns
    the model in eval mode."""
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    images, labels = load("train")
    x = torch.from_numpy(normalize(images[:train_count]))
    y = torch.from_numpy(labels[:train_count])
    model = build_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(train_count, generator=generator)
        for start in range(0, train_count, 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    return model.eval()


def export_onnx(model, path, opset=13, batch=1):
    """Exports with a fixed batch size. The tensor names do not depend on
    the batch, so a calibration table made on the batch-1 model applies to
    a batch-N export of the same model."""
    import torch
    torch.onnx.export(model, torch.zeros(batch, 1, 28, 28), path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=opset)


def torch_top1(model, images, labels):
    import torch
    with torch.no_grad():
        logits = model(torch.from_numpy(normalize(images)))
    return float((logits.argmax(1).numpy() == labels).mean())


def write_pngs(images, folder, prefix="img"):
    """Writes uint8 gray images as PNG files, named so that their sorted
    order is their index order; returns the paths."""
    from PIL import Image
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        path = os.path.join(folder, f"{prefix}{i:05d}.png")
        Image.fromarray(image, mode="L").save(path)
        paths.append(path)
    return paths
