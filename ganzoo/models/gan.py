"""The original, minimax GAN (Goodfellow et al. 2014, arXiv:1406.2661); its non-saturating form is `nsgan.py`."""

import keras

from ganzoo.models.base import BaseGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(BaseGAN):
    """Minimax GAN: G minimises E[log(1 - D(G(z)))].

    With an optimal D this is the Jensen-Shannon divergence, constant (log 2)
    while the data and model supports are disjoint, which they almost surely
    are for low-dimensional manifolds: the generator's gradient vanishes
    (Arjovsky & Bottou 2017, arXiv:1701.04862). Kept in the zoo to show it.
    DCGAN networks and Adam(2e-4, beta_1=0.5) (Radford et al. 2016).
    D maximises E[log D(x)] + E[log(1 - D(G(z)))] (its loss is the sigmoid
    cross-entropy); the generator's loss alone differs from `NSGAN`.

    Deviations kept: none in the loss. The paper's MLPs used maxout and
    dropout; the zoo's are ReLU (toy) and DCGAN (images).

    Args: see `BaseGAN`.

    Example:
    >>> model = GAN.from_data_shape((28, 28, 1))
    >>> model.compile()
    >>> model.fit(images_dataset, epochs=1)
    """

    adversarial_loss = "minimax"

