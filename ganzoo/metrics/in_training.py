"""Domain metrics during training: a fixed latent batch against a fixed reference set."""

from ganzoo.data import registry
from ganzoo.data.sources import reference_images
from ganzoo.metrics.classifier import Classifier, domain_metrics
from ganzoo.metrics.toy import toy_metrics


def supports_in_training_eval(dataset):
    """Toy data with modes (mode metrics) or a dataset with a shipped classifier."""
    return registry.has_modes(dataset) or registry.has_classifier(dataset)


class InTrainingEvaluator:
    """`evaluator(model)` -> {metric: float}: mode metrics (ring8, grid25) or the shipped
    classifier's coverage, KL and classifier-FID (MNIST, Fashion-MNIST) of `num_samples` samples."""

    def __init__(self, dataset, *, data_dir=None, num_samples=2000, seed=0):
        if not supports_in_training_eval(dataset):
            raise ValueError(f"No in-training evaluation for {dataset!r}.")
        self.dataset, self.num_samples, self.seed = dataset, num_samples, seed
        self.classifier = self.reference = self.reference_features = None
        if not registry.is_toy(dataset):
            self.classifier = Classifier(dataset)
            self.reference = reference_images(dataset, data_dir, num_samples, seed=1)
            # the reference is fixed: its features once, not at every evaluation
            self.reference_features = self.classifier.features(self.reference)

    def __call__(self, model):
        samples = model.generate(self.num_samples, seed=self.seed)
        if self.classifier is None:
            values = toy_metrics(samples, self.dataset)
        else:
            values = domain_metrics(samples, self.reference, self.classifier,
                                    reference_features=self.reference_features)
        return {k: v for k, v in values.items() if isinstance(v, (int, float)) and not k.startswith("num_")}
