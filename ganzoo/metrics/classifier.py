"""Domain metrics for 28x28 data: a small classifier per dataset, shipped as an artifact.

- class coverage and KL(predicted class histogram || uniform) of generated samples,
- classifier-FID: the Frechet distance between the classifier's penultimate
  (128-d) features of generated samples and of the dataset's training images,
- Stacked-MNIST: each channel classified by the MNIST classifier (1000 modes).

Train and ship a classifier:

    python -m ganzoo.metrics.classifier --dataset=mnist --data_dir=path/to/mnist-idx \
        --out=artifacts/classifiers

writes `<dataset>.keras` and `<dataset>.json` (test accuracy, sha256, protocol).
Loading checks the sha256 and uses `safe_mode=True`.
"""

import argparse
import json
import os

import numpy as np

from ganzoo.data.sources import load_arrays
from ganzoo.metrics.features import fid
from ganzoo.metrics.modes import class_coverage
from ganzoo.saving import sha256

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "artifacts", "classifiers")
FEATURE_LAYER = "features"


def build_classifier(num_classes=10, data_shape=(28, 28, 1)):
    """Two conv blocks + a 128-d feature layer: >= 99 % on MNIST in a few epochs."""
    import keras
    from keras import layers

    x = keras.Input(data_shape)
    h = x
    for width in (32, 64):
        h = layers.Conv2D(width, 3, padding="same", activation="relu")(h)
        h = layers.Conv2D(width, 3, padding="same", activation="relu")(h)
        h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)
    h = layers.Dropout(0.3)(h)
    features = layers.Dense(128, activation="relu", name=FEATURE_LAYER)(h)
    logits = layers.Dense(num_classes, name="logits")(layers.Dropout(0.3)(features))
    return keras.Model(x, logits, name="classifier")


def train(dataset, data_dir, out_dir, *, epochs=4, batch_size=128, seed=0):
    """Trains the classifier on `dataset`'s train split, measures it on the test split, saves it."""
    import keras

    keras.utils.set_random_seed(seed)
    x, y, _ = load_arrays(dataset, data_dir, split="train")
    x_test, y_test, _ = load_arrays(dataset, data_dir, split="test")
    scale = lambda images: images.astype("float32") / 127.5 - 1.0  # noqa: E731  (ganzoo's [-1, 1])
    model = build_classifier(int(y.max()) + 1, x.shape[1:])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(scale(x), y, batch_size=batch_size, epochs=epochs, verbose=2)
    _, accuracy = model.evaluate(scale(x_test), y_test, verbose=0)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{dataset}.keras")
    shipped = build_classifier(int(y.max()) + 1, x.shape[1:])  # uncompiled: no optimizer state, a third the size
    shipped.set_weights(model.get_weights())
    shipped.save(path)
    info = {"dataset": dataset, "test_accuracy": round(float(accuracy), 4), "test_examples": len(x_test),
            "epochs": epochs, "batch_size": batch_size, "seed": seed, "sha256": sha256(path),
            "protocol": "inputs in [-1, 1]; features = the 128-d ReLU layer 'features'; trained on the train split"}
    with open(os.path.join(out_dir, f"{dataset}.json"), "w") as f:
        json.dump(info, f, indent=2)
    return info


class Classifier:
    """A shipped classifier: `predict(images) -> labels`, `features(images) -> (N, 128)`."""

    def __init__(self, dataset, directory=ARTIFACTS):
        import keras

        path = os.path.join(directory, f"{dataset}.keras")
        info_path = os.path.join(directory, f"{dataset}.json")
        if not os.path.exists(path) or not os.path.exists(info_path):
            raise FileNotFoundError(
                f"No classifier for {dataset!r} in {directory!r}; train one with "
                f"`python -m ganzoo.metrics.classifier --dataset={dataset} --data_dir=...`.")
        self.info = json.load(open(info_path))
        if sha256(path) != self.info["sha256"]:
            raise ValueError(f"{path!r} does not match the sha256 recorded in {info_path!r}; refusing to load it.")
        self.model = keras.saving.load_model(path, safe_mode=True)
        self._features = keras.Model(self.model.input, self.model.get_layer(FEATURE_LAYER).output)
        # one pass for both: an evaluation reads the labels and the features of the same samples
        self._both = keras.Model(self.model.input, [self.model.get_layer(FEATURE_LAYER).output, self.model.output])

    @staticmethod
    def _check(images):
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
            raise ValueError(f"Expected images of shape (N, 28, 28, 1), got {images.shape}.")
        if images.min() < -1.0 - 1e-4 or images.max() > 1.0 + 1e-4:
            raise ValueError(f"Expected images in [-1, 1], got [{images.min():.3g}, {images.max():.3g}].")
        return images

    def predict(self, images, batch_size=1000):
        logits = self.model.predict(self._check(images), batch_size=batch_size, verbose=0)
        return logits.argmax(-1)

    def features(self, images, batch_size=1000):
        return self._features.predict(self._check(images), batch_size=batch_size, verbose=0).astype(np.float64)

    def features_and_labels(self, images, batch_size=1000):
        """(`features(images)`, `predict(images)`) from one pass of the network."""
        features, logits = self._both.predict(self._check(images), batch_size=batch_size, verbose=0)
        return features.astype(np.float64), logits.argmax(-1)


def domain_metrics(samples, reference_images, classifier, *, reference_features=None):
    """Class coverage, KL to uniform and classifier-FID of `samples` against `reference_images`
    (`reference_features`: their `classifier.features`, where the caller keeps them between calls)."""
    features, predicted = classifier.features_and_labels(samples)
    num_classes = classifier.model.output_shape[-1]
    covered, kl = class_coverage(predicted, num_classes)
    if reference_features is None:
        reference_features = classifier.features(reference_images)
    return {
        "classes_covered": covered, "num_classes": num_classes, "class_kl": kl,
        "classifier_fid": fid(reference_features, features),
        "num_samples": len(samples), "num_reference": len(reference_images),
        "protocol": (f"{classifier.info['dataset']} classifier (test accuracy {classifier.info['test_accuracy']}, "
                     f"sha256 {classifier.info['sha256'][:12]}): a class is covered when predicted at least once; "
                     "KL of the predicted-class histogram to uniform; FID on its 128-d 'features' layer"),
    }


def main():
    parser = argparse.ArgumentParser(description="Train and ship a ganzoo evaluation classifier.")
    parser.add_argument("--dataset", required=True, choices=["mnist", "fashion_mnist"])
    parser.add_argument("--data_dir", default=None)
    parser.add_argument("--out", default=ARTIFACTS)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(train(args.dataset, args.data_dir, args.out, epochs=args.epochs), indent=2))


if __name__ == "__main__":
    main()
