"""PyTorch (eager) WGAN-GP and NS-GAN on ganzoo's default architectures, layer by layer.

DCGAN nets (ganzoo.networks.dcgan_generator / dcgan_discriminator): G =
Linear(latent -> s*s*w0, no bias), BN, ReLU, then 4x4 stride-2 transposed
convs (no bias) with BN and ReLU, and a 4x4 stride-2 transposed conv with
bias and tanh; D = 4x4 stride-2 convs, the chosen normalisation after every
conv but the first, LeakyReLU(0.2), then Linear(-> 1). Padding 1 reproduces
Keras' "same" output sizes for kernel 4, stride 2 (28 -> 14 -> 7). Toy nets:
3 x Linear(512) + ReLU, linear output. BN and layer-norm constants are Keras'
(eps 1e-3, BN momentum 0.99 = PyTorch's 0.01). Widths are read from
ganzoo/networks.py without importing it: importing ganzoo loads TensorFlow,
which would inflate this process's memory and start-up time.

Training loops as in the common PyTorch WGAN-GP code (e.g. caogang/wgan-gp):
the critic's fakes under `no_grad`, `autograd.grad(create_graph=True)` for
the penalty with alpha ~ U[0, 1] per example, the critic frozen
(`requires_grad_(False)`) during the generator update so no critic weight
gradients are computed there.
"""

import ast
import os

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits
from torch.nn.utils.parametrizations import spectral_norm

NETWORKS_PY = os.path.join(os.path.dirname(__file__), "..", "..", "ganzoo", "networks.py")


def dcgan_specs():
    """`ganzoo.networks.DCGAN_SPECS`, parsed from the source."""
    with open(NETWORKS_PY) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DCGAN_SPECS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError(f"DCGAN_SPECS not found in {NETWORKS_PY}.")


def _norm(normalization, shape):
    if normalization == "batch":
        return (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[0], eps=1e-3, momentum=0.01)
    if normalization == "layer":
        return nn.LayerNorm(list(shape), eps=1e-3)
    return None


def _maybe_spectral(layer, normalization):
    return spectral_norm(layer) if normalization == "spectral" else layer


def dcgan_generator(latent_dim, data_shape, widths=None):
    size, channels = data_shape[0], data_shape[2]
    start, default, _ = dcgan_specs()[size]
    widths = tuple(widths or default)
    layers = [
        nn.Linear(latent_dim, start * start * widths[0], bias=False),
        nn.Unflatten(1, (widths[0], start, start)),
        nn.BatchNorm2d(widths[0], eps=1e-3, momentum=0.01),
        nn.ReLU(),
    ]
    for previous, width in zip(widths, widths[1:]):
        layers += [
            nn.ConvTranspose2d(previous, width, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width, eps=1e-3, momentum=0.01),
            nn.ReLU(),
        ]
    layers += [nn.ConvTranspose2d(widths[-1], channels, 4, stride=2, padding=1), nn.Tanh()]
    return nn.Sequential(*layers)


def dcgan_discriminator(data_shape, normalization, widths=None):
    size, channels = data_shape[0], data_shape[2]
    _, _, default = dcgan_specs()[size]
    widths = tuple(widths or default)
    layers, previous = [], channels
    for i, width in enumerate(widths):
        size //= 2
        layers.append(_maybe_spectral(nn.Conv2d(previous, width, 4, stride=2, padding=1), normalization))
        norm = _norm(normalization, (width, size, size)) if i > 0 else None
        layers += [norm] if norm is not None else []
        layers.append(nn.LeakyReLU(0.2))
        previous = width
    layers += [nn.Flatten(), _maybe_spectral(nn.Linear(previous * size * size, 1), normalization)]
    return nn.Sequential(*layers)


def mlp_generator(latent_dim, data_dim, units=512, depth=3):
    layers, previous = [], latent_dim
    for _ in range(depth):
        layers += [nn.Linear(previous, units), nn.ReLU()]
        previous = units
    return nn.Sequential(*layers, nn.Linear(units, data_dim))


def mlp_discriminator(data_dim, normalization, units=512, depth=3):
    layers, previous = [], data_dim
    for _ in range(depth):
        layers.append(_maybe_spectral(nn.Linear(previous, units), normalization))
        norm = _norm(normalization, (units,))
        layers += [norm] if norm is not None else []
        layers.append(nn.ReLU())
        previous = units
    return nn.Sequential(*layers, _maybe_spectral(nn.Linear(units, 1), normalization))


class _GAN:
    def __init__(self, generator, discriminator, latent_dim, n_critic, lr, betas):
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.n_critic = n_critic
        self.g_optimizer = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas)
        self.d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas)

    def train_step(self, real):
        batch = real.shape[0]
        self.discriminator.requires_grad_(True)
        for _ in range(self.n_critic):
            with torch.no_grad():
                fake = self.generator(torch.randn(batch, self.latent_dim))
            self.d_optimizer.zero_grad(set_to_none=True)
            d_loss = self.discriminator_loss(real, fake)
            d_loss.backward()
            self.d_optimizer.step()

        self.discriminator.requires_grad_(False)
        self.g_optimizer.zero_grad(set_to_none=True)
        g_loss = self.generator_loss(self.discriminator(self.generator(torch.randn(batch, self.latent_dim))))
        g_loss.backward()
        self.g_optimizer.step()
        return d_loss.item(), g_loss.item()

    @torch.no_grad()
    def sample(self, n):
        self.generator.eval()
        try:
            return self.generator(torch.randn(n, self.latent_dim))
        finally:
            self.generator.train()


class WGANGP(_GAN):
    """Adam(1e-4, betas=(0, 0.9)), lambda = 10 (Gulrajani et al. 2017)."""

    def __init__(self, generator, discriminator, latent_dim, n_critic=5, gp_weight=10.0):
        super().__init__(generator, discriminator, latent_dim, n_critic, lr=1e-4, betas=(0.0, 0.9))
        self.gp_weight = gp_weight

    def discriminator_loss(self, real, fake):
        alpha = torch.rand(real.shape[0], *[1] * (real.dim() - 1))
        interpolated = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        grads = torch.autograd.grad(self.discriminator(interpolated).sum(), interpolated, create_graph=True)[0]
        penalty = ((grads.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
        return self.discriminator(fake).mean() - self.discriminator(real).mean() + self.gp_weight * penalty

    def generator_loss(self, fake_logits):
        return -fake_logits.mean()


class NSGAN(_GAN):
    """Adam(2e-4, betas=(0.5, 0.999)) (Radford et al. 2016)."""

    def __init__(self, generator, discriminator, latent_dim, n_critic=1):
        super().__init__(generator, discriminator, latent_dim, n_critic, lr=2e-4, betas=(0.5, 0.999))

    def discriminator_loss(self, real, fake):
        real_logits, fake_logits = self.discriminator(real), self.discriminator(fake)
        return binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) + (
            binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        )

    def generator_loss(self, fake_logits):
        return binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def build(kind, data_shape, *, latent_dim, n_critic, normalization, generator_widths=None,
          discriminator_widths=None):
    """A baseline of `kind` ("wgan-gp" or "nsgan"); image batches are NCHW. Widths: ganzoo's defaults
    unless given (MLPs: equal widths, one per layer)."""
    data_shape = tuple(data_shape)
    if len(data_shape) == 1:
        g_units, d_units = (generator_widths or (512,) * 3), (discriminator_widths or (512,) * 3)
        generator = mlp_generator(latent_dim, data_shape[0], units=g_units[0], depth=len(g_units))
        discriminator = mlp_discriminator(data_shape[0], normalization, units=d_units[0], depth=len(d_units))
    else:
        generator = dcgan_generator(latent_dim, data_shape, generator_widths)
        discriminator = dcgan_discriminator(data_shape, normalization, discriminator_widths)
    if kind == "wgan-gp":
        return WGANGP(generator, discriminator, latent_dim, n_critic=n_critic)
    if kind == "nsgan":
        return NSGAN(generator, discriminator, latent_dim, n_critic=n_critic)
    raise ValueError(f"Unknown baseline kind {kind!r}; expected 'wgan-gp' or 'nsgan'.")
