"""Export: SavedModel, TFLite and ONNX generators against Keras on fixed latents."""

import numpy as np
import pytest

import ganzoo
from ganzoo import export

TOLERANCE = 1e-3


def _conditional_model():
    model = ganzoo.models.build("nsgan", (28, 28, 1), latent_dim=16, num_classes=10, seed=0,
                                generator_widths=(16, 8), discriminator_widths=(8, 16))
    model.compile()
    return model


@pytest.mark.parametrize("source", ["wgan-gp-mnist28", "wgan-gp-ring8", "conditional"])
def test_every_format_matches_keras(source, tmp_path):
    model = _conditional_model() if source == "conditional" else ganzoo.load(source)
    paths = export.export(model, str(tmp_path))
    assert set(paths) == {"savedmodel", "tflite", "onnx"}
    differences = export.parity(model, paths)
    assert all(0.0 <= d <= TOLERANCE for d in differences.values()), differences

    z = np.random.default_rng(1).standard_normal((5, model.latent_dim)).astype("float32")
    labels = np.array([3, 1, 4, 1, 5], "int32") if model.num_classes else None
    keras_out = np.asarray(export.sampling_generator(model)(z if labels is None else [z, labels], training=False))
    served = export.run_savedmodel(paths["savedmodel"], z, labels, signature="serve")
    if len(model.data_shape) == 3:
        expected = np.clip(np.round((keras_out + 1.0) * 127.5), 0, 255)
        for images in (served["images"], export.run_tflite(paths["tflite"], z, labels)["images"],
                       export.run_onnx(paths["onnx"], z, labels)["images"]):
            assert images.dtype == np.uint8 and images.shape == (5, *model.data_shape)
            assert np.abs(images.astype(int) - expected).max() <= 1  # rounding at .5 may differ by one level
    else:
        np.testing.assert_allclose(served["samples"], keras_out, atol=TOLERANCE)


def test_export_rejects_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="Unknown export formats \\['gguf'\\]"):
        export.export(ganzoo.load("wgan-gp-ring8"), str(tmp_path), ["onnx", "gguf"])
    assert not list(tmp_path.iterdir())


def test_export_replaces_its_folder_whole_or_not_at_all(tmp_path, monkeypatch):
    model = ganzoo.load("wgan-gp-ring8")
    out = tmp_path / "exported"
    out.mkdir()
    (out / "stale.onnx").write_text("from an earlier export")
    paths = export.export(model, str(out), ["savedmodel"])
    assert sorted(p.name for p in out.iterdir()) == ["savedmodel"]  # no stale file beside the new export
    assert export.parity(model, paths)["savedmodel"] <= TOLERANCE

    def broken(model, path):
        open(path, "w").write("half a flatbuffer")
        raise RuntimeError("converter crashed")

    monkeypatch.setattr(export, "export_tflite", broken)
    with pytest.raises(RuntimeError, match="converter crashed"):
        export.export(model, str(out), ["savedmodel", "tflite"])
    assert sorted(p.name for p in out.iterdir()) == ["savedmodel"]  # the old export, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exported"]  # no partial folder left beside it
