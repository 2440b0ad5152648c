"""Every figure ganzoo writes: image grids, toy scatter plots over the true modes, loss curves."""

import json
import math
import os

import numpy as np

from ganzoo.data import registry
from ganzoo.data.toy import toy_modes


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on the machines that train
    import matplotlib.pyplot as plt

    return plt


def save_grid(images, path, *, columns=8):
    """Saves images in [-1, 1], (N, H, W, C), as one PNG grid."""
    from PIL import Image

    images = np.clip((np.asarray(images) + 1.0) * 127.5, 0, 255).astype("uint8")
    n, h, w, c = images.shape
    rows = math.ceil(n / columns)
    grid = np.zeros((rows * (h + 2) + 2, columns * (w + 2) + 2, c), "uint8")
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        grid[2 + r * (h + 2): 2 + r * (h + 2) + h, 2 + col * (w + 2): 2 + col * (w + 2) + w] = image
    Image.fromarray(grid[..., 0] if c == 1 else grid).save(path)


def save_toy_plot(points, dataset, path, title=""):
    """A scatter of 2-d samples, with the dataset's true modes marked when it has them."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, label="samples")
    if registry.has_modes(dataset):
        modes = toy_modes(dataset)
        ax.scatter(modes[:, 0], modes[:, 1], s=30, marker="x", color="red", label="true modes")
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save_sample_figure(samples, dataset, path, title="", *, columns=8):
    """Toy points (N, 2) as a scatter over the dataset's true modes; images (N, H, W, C) as a PNG grid."""
    if np.ndim(samples) == 2:
        save_toy_plot(samples, dataset, path, title)
    else:
        save_grid(samples, path, columns=columns)


def save_preview(model, dataset, path, *, seed=0, title=""):
    """The standard preview of a model: 2,500 toy points or an 8x8 image grid, for `seed`."""
    save_sample_figure(model.generate(2500 if len(model.data_shape) == 1 else 64, seed=seed), dataset, path, title)


def save_curves(panels, path, *, title=""):
    """Panels side by side, one figure. Each panel is a dict with "xlabel", "ylabel", optional
    "title", and by "kind":
    - "curves" (the default): "curves": [(x, y, label), ...], optional "logy", "vlines": [(x, label)];
    - "surface": "x", "y" (1-d grids), "values" (len(y), len(x)), optional "points" (N, 2) drawn on top;
    - "hist": "values": [(array, label), ...], optional "bins", "logy";
    - "bars": "labels", "values", optional "errors" (one bar per label, error bars of that size)."""
    plt = _pyplot()
    columns = min(len(panels), 4)
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(max(6.0, 4.4 * columns), 3.6 * rows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax, panel in zip(axes.flat, panels):
        kind = panel.get("kind", "curves")
        if kind == "surface":
            mesh = ax.contourf(panel["x"], panel["y"], panel["values"], levels=20, cmap="viridis")
            fig.colorbar(mesh, ax=ax, fraction=0.046)
            if panel.get("points") is not None:
                points = np.asarray(panel["points"])
                ax.scatter(points[:, 0], points[:, 1], s=1, color="white", alpha=0.5)
            ax.set_aspect("equal")
        elif kind == "bars":
            ax.bar(np.arange(len(panel["labels"])), panel["values"], yerr=panel.get("errors"), capsize=4,
                   color="tab:blue", alpha=0.8)
            ax.set_xticks(np.arange(len(panel["labels"])))
            ax.set_xticklabels(panel["labels"], fontsize=7)
        elif kind == "hist":
            for values, label in panel["values"]:
                ax.hist(np.ravel(values), bins=panel.get("bins", 60), alpha=0.6, label=label)
            ax.legend(fontsize=7)
        else:
            for x, y, label in panel["curves"]:
                ax.plot(x, y, label=label, marker="o" if len(x) <= 25 else None, markersize=3)
            for x, label in panel.get("vlines", ()):
                ax.axvline(x, color="gray", linestyle=":", linewidth=1)
                ax.text(x, ax.get_ylim()[1], f" {label}", fontsize=7, va="top", color="gray")
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3)
        if panel.get("logy"):
            ax.set_yscale("log")
        ax.set_xlabel(panel.get("xlabel", ""))
        ax.set_ylabel(panel.get("ylabel", ""))
        ax.set_title(panel.get("title", ""), fontsize=9)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_losses(jsonl_path, path):
    """One panel per logged loss of a run's `metrics.jsonl`; rolled-back non-finite steps as red lines."""
    rows = [json.loads(line) for line in open(jsonl_path) if line.strip()] if os.path.exists(jsonl_path) else []
    events = [r["step"] for r in rows if "event" in r]
    rows = [r for r in rows if "event" not in r]
    if not rows:
        return
    steps = [r["step"] for r in rows]
    names = [k for k in ("d_loss", "g_loss", "penalty", "w_estimate") if all(k in r for r in rows)]
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        ax.plot(steps, [r[name] for r in rows])
        for step in events:
            ax.axvline(step, color="red", linestyle=":", linewidth=1)
        ax.set_title(name)
        ax.set_xlabel("generator step")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
