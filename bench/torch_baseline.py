"""PyTorch CPU reference for bench/train.ts: training throughput (images/s) of the same models.

Same layers as src-main/core/train/models.ts (baseline: conv5x5*6 relu, maxpool2, conv5x5*16 relu,
maxpool2, dense 256 relu, dense 32 relu, dense K softmax; lenet-wide: conv3x3*32 relu, maxpool2, conv3x3*64
relu, maxpool2, dropout .25, dense 128 relu, dropout .5, dense K; cnn: 3 x conv3x3-BN-relu 32/64/128 with
pooling after the first two, global average pooling, dense K), batch 64, Adam 1e-3, cross-entropy,
one random uint8 batch scaled to [0, 1] per step.

Usage: python3 bench/torch_baseline.py [--threads N|default] [--steps N] [--only MODEL/SIZE]
Prints one JSON object per line: {"model","size","channels","threads","img_per_s","img_per_cpu_s"}
(img_per_cpu_s: images per second of process CPU time, all threads together).
"""
import argparse
import json
import time

import torch
from torch import nn


def baseline(side: int, channels: int, k: int) -> nn.Module:
    flat = (((side - 4) // 2 - 4) // 2) ** 2 * 16
    return nn.Sequential(
        nn.Conv2d(channels, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(flat, 256), nn.ReLU(),
        nn.Linear(256, 32), nn.ReLU(),
        nn.Linear(32, k),
    )


def lenet_wide(side: int, channels: int, k: int) -> nn.Module:
    flat = (side // 2 // 2) ** 2 * 64
    return nn.Sequential(
        nn.Conv2d(channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25),
        nn.Linear(flat, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, k),
    )


def cnn(side: int, channels: int, k: int) -> nn.Module:
    layers: list[nn.Module] = []
    c_in = channels
    for i, c in enumerate([32, 64, 128]):
        layers += [nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c, momentum=0.1), nn.ReLU()]
        if i < 2:
            layers.append(nn.MaxPool2d(2))
        c_in = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, k)]
    return nn.Sequential(*layers)


def throughput(name: str, side: int, channels: int, steps: int, batch: int = 64, k: int = 2) -> tuple[float, float]:
    torch.manual_seed(0)
    model = {"baseline": baseline, "lenet-wide": lenet_wide, "cnn": cnn}[name](side, channels, k)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + log-loss, as the tfjs model's softmax output + CE
    pixels = torch.randint(0, 256, (batch, channels, side, side), dtype=torch.uint8)
    labels = torch.randint(0, k, (batch,))

    def step() -> None:
        x = pixels.float() / 255.0
        opt.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(3):
        step()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return steps * batch / wall, steps * batch / cpu


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="default")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--only", default=None, help="e.g. baseline/64")
    args = p.parse_args()
    if args.threads != "default":
        torch.set_num_threads(int(args.threads))
    for name in ["baseline", "lenet-wide", "cnn"]:
        for side, channels in [(64, 3), (28, 1)]:
            if args.only and args.only != f"{name}/{side}":
                continue
            ips, ipcs = throughput(name, side, channels, args.steps)
            print(json.dumps({"model": name, "size": side, "channels": channels, "threads": torch.get_num_threads(),
                              "img_per_s": round(ips, 1), "img_per_cpu_s": round(ipcs, 1)}), flush=True)


if __name__ == "__main__":
    main()
