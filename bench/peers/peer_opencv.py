#!/usr/bin/python3
"""Peer (a): Python + OpenCV DNN (Debian python3-opencv 4.6) on
shared/models/mobilenet_v2.onnx, its `features` output (global average pool,
1,280 values), then scikit-learn StandardScaler + PCA. See common.py."""
import time

T0 = time.perf_counter()
import cv2  # noqa: E402

import common  # noqa: E402


def main():
    args = common.parse_args(__doc__)
    net = cv2.dnn.readNetFromONNX(args.model)

    def forward(batch):
        net.setInput(batch, "input")
        return net.forward("features").reshape(batch.shape[0], -1).copy()

    common.run("python-opencv-dnn", args, forward)


if __name__ == "__main__":
    main()
