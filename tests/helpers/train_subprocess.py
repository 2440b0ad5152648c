"""`ganzoo-train` in a subprocess, with the CPU split into GANZOO_CPU_DEVICES logical devices.

Used by the distribution and kill-and-resume tests.
"""

import os

import tensorflow as tf

devices = int(os.environ.get("GANZOO_CPU_DEVICES", "1"))
if devices > 1:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)

from ganzoo import train  # noqa: E402

if __name__ == "__main__":
    train.run()
