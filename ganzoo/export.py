"""Export a generator for serving: SavedModel, TFLite, ONNX.

Inputs: latents `z` (N, latent_dim) float32 [and `labels` (N,) int32 for
conditional models]. Outputs: `samples`, the generator's output as float32
(images in [-1, 1], or toy points), and for image models `images`, uint8 in
[0, 255]. The SavedModel has them as two signatures, `generate` (samples) and
`serve` (images; toy: samples); the .tflite file (signature `serving_default`)
and the .onnx graph return both outputs from one graph.
The generator runs in inference mode (batch norm uses its moving statistics)
and with its moving-average weights when the model keeps an EMA.

    python export/export_model.py --preset=wgan-gp-mnist28 --out=exported/ --formats=savedmodel,tflite,onnx
"""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

FORMATS = ("savedmodel", "tflite", "onnx")
ONNX_OPSET = 17


def sampling_generator(model):
    """A standalone copy of `model.generator` holding the weights `generate` samples with."""
    generator = keras.models.clone_model(model.generator)
    with model._ema_weights():
        generator.set_weights(model.generator.get_weights())
    return generator


def _signature(model):
    spec = [tf.TensorSpec([None, model.latent_dim], tf.float32, name="z")]
    if model.num_classes:
        spec.append(tf.TensorSpec([None], tf.int32, name="labels"))
    return spec


def _functions(model, generator):
    is_image = len(model.data_shape) == 3

    def run(*inputs):
        return generator(list(inputs) if model.num_classes else inputs[0], training=False)

    def generate(*inputs):
        return {"samples": tf.cast(run(*inputs), tf.float32)}

    def serve(*inputs):
        x = tf.cast(run(*inputs), tf.float32)
        if not is_image:
            return {"samples": x}
        # [-1, 1] -> [0, 255], rounded to the nearest level
        return {"images": tf.cast(tf.clip_by_value(tf.round((x + 1.0) * 127.5), 0.0, 255.0), tf.uint8)}

    return generate, serve


def export_savedmodel(model, path):
    """Writes a SavedModel with the `generate` and `serve` signatures; returns `path`."""
    generator = sampling_generator(model)
    generate, serve = _functions(model, generator)
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint("generate", generate, input_signature=_signature(model))
    archive.add_endpoint("serve", serve, input_signature=_signature(model))
    archive.write_out(path, verbose=False)
    return path


def _single_function(model):
    """One tf.function: {"samples": float32[, "images": uint8]} (TFLite and ONNX hold one graph)."""
    generate, serve = _functions(model, sampling_generator(model))

    def both(*inputs):
        outputs = dict(generate(*inputs))
        if len(model.data_shape) == 3:
            outputs.update(serve(*inputs))
        return outputs

    return tf.function(both, input_signature=_signature(model))


def export_tflite(model, path):
    """Writes a .tflite flatbuffer whose `serving_default` signature returns `samples` [and `images`]."""
    function = _single_function(model)
    # An empty trackable: the converter then freezes the generator's variables
    # into constants (with the generator tracked it keeps resource variables
    # that the interpreter never initialises, and outputs NaN).
    converter = tf.lite.TFLiteConverter.from_concrete_functions([function.get_concrete_function()], tf.Module())
    flatbuffer = converter.convert()
    with open(path, "wb") as f:
        f.write(flatbuffer)
    return path


def export_onnx(model, path):
    """Writes an ONNX model whose outputs are `samples` (float32) [and `images` (uint8) for image models]."""
    try:
        import tf2onnx
    except ImportError:
        raise ImportError("ONNX export needs tf2onnx and onnx: pip install 'ganzoo[export]'.") from None
    tf2onnx.convert.from_function(_single_function(model), input_signature=_signature(model), opset=ONNX_OPSET,
                                  output_path=path)
    return path


def export(model, out, formats=FORMATS):
    """Exports to `out/` (savedmodel/, generator.tflite, generator.onnx); returns {format: path}.

    Everything is written into a fresh temporary folder beside `out`, which then
    takes `out`'s place: a failed export leaves the old `out` as it was, and a
    new one holds no stale file of an earlier export.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown export formats {unknown}; expected some of {list(FORMATS)}.")
    out = os.path.abspath(os.fspath(out))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.partial-", dir=os.path.dirname(out))
    names = {"savedmodel": "savedmodel", "tflite": "generator.tflite", "onnx": "generator.onnx"}
    writers = {"savedmodel": export_savedmodel, "tflite": export_tflite, "onnx": export_onnx}
    try:
        for name in FORMATS:
            if name in formats:
                writers[name](model, os.path.join(staging, names[name]))
        old = None
        if os.path.exists(out):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.old-", dir=os.path.dirname(out))
            os.replace(out, os.path.join(old, "export"))
        os.replace(staging, out)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {name: os.path.join(out, names[name]) for name in FORMATS if name in formats}


# ------------------------------------------------------------------ runners (parity checks, users)


def run_savedmodel(path, z, labels=None, signature="generate"):
    loaded = tf.saved_model.load(path)
    inputs = {"z": tf.constant(z)}
    if labels is not None:
        inputs["labels"] = tf.constant(labels, tf.int32)
    outputs = loaded.signatures[signature](**inputs)
    return {k: v.numpy() for k, v in outputs.items()}


def run_tflite(path, z, labels=None):
    """Runs the .tflite generator; inputs and outputs are told apart by dtype (float32 vs int32/uint8)."""
    import warnings

    with warnings.catch_warnings():  # TF's interpreter is deprecated in favour of ai-edge-litert, same runtime
        warnings.simplefilter("ignore")
        interpreter = tf.lite.Interpreter(model_path=path)
    feeds = {np.float32: np.asarray(z, np.float32)}
    if labels is not None:
        feeds[np.int32] = np.asarray(labels, np.int32)
    inputs = interpreter.get_input_details()
    for detail in inputs:
        interpreter.resize_tensor_input(detail["index"], feeds[detail["dtype"]].shape)
    interpreter.allocate_tensors()
    for detail in inputs:
        interpreter.set_tensor(detail["index"], feeds[detail["dtype"]])
    interpreter.invoke()
    names = {np.float32: "samples", np.uint8: "images"}
    # copies: get_tensor's arrays belong to the interpreter
    return {names[d["dtype"]]: np.array(interpreter.get_tensor(d["index"])) for d in interpreter.get_output_details()}


def run_onnx(path, z, labels=None):
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = {session.get_inputs()[0].name: np.asarray(z, np.float32)}
    if labels is not None:
        feeds[session.get_inputs()[1].name] = np.asarray(labels, np.int32)
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feeds)))


def parity(model, paths, n=16, seed=0):
    """Max |exported - Keras| of the float samples on fixed latents, per format."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, model.latent_dim)).astype("float32")
    labels = (np.arange(n) % model.num_classes).astype("int32") if model.num_classes else None
    expected = np.asarray(sampling_generator(model)(z if labels is None else [z, labels], training=False))
    runners = {"savedmodel": run_savedmodel, "tflite": run_tflite, "onnx": run_onnx}
    result = {}
    for fmt, path in paths.items():
        outputs = runners[fmt](path, z, labels)
        samples = next(v for k, v in outputs.items() if k.startswith("samples"))
        result[fmt] = float(np.abs(samples - expected).max())
    return result
