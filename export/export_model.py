"""Export a preset's generator to SavedModel, TFLite and ONNX, and check each against Keras.

    python export/export_model.py --preset=wgan-gp-mnist28 --out=exported/wgan-gp-mnist28 \
        [--formats=savedmodel,tflite,onnx]

Writes out/savedmodel/ (signatures `generate` -> float32 samples, `serve` -> uint8
images), out/generator.tflite and out/generator.onnx (outputs `samples` [and
`images`]), then prints max |exported - Keras| on 16 fixed latents per format
and exits non-zero when one is above 1e-3. ONNX needs `pip install 'ganzoo[export]'`.
"""

import json
import os
import sys

from ganzoo import cli

TOLERANCE = 1e-3


def main():
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", required=True, help="preset name, hf://org/repo, a folder or a .keras file")
    parser.add_argument("--out", required=True)
    parser.add_argument("--formats", default="savedmodel,tflite,onnx")
    args = parser.parse_args()
    import ganzoo
    from ganzoo import export

    model = ganzoo.load(args.preset)
    paths = export.export(model, args.out, [f for f in args.formats.split(",") if f])
    differences = export.parity(model, paths)
    print(json.dumps({"paths": paths, "max_abs_difference": differences}, indent=2))
    bad = {k: v for k, v in differences.items() if not v <= TOLERANCE}
    if bad:
        print(f"parity above {TOLERANCE}: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli.guarded(main, prog=os.path.basename(__file__))())
