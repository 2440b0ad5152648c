"""The tf.distribute strategy a run's config names, and which process of a cluster writes the run."""

import tensorflow as tf


def strategy_from_config(config):
    """auto | default | mirrored | multiworker | tpu (`config.strategy`, `config.tpu`)."""
    name = config.strategy
    if name == "multiworker":  # first: it must configure collectives before any op runs
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "auto":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        # All GPUs, else every logical CPU device (one unless the process split its CPU).
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
        devices = devices or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    if name == "tpu":
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=config.tpu or "")
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError) as error:
            raise ValueError(f"strategy='tpu': no TPU found at {config.tpu or 'the local host'!r} ({error}).") from None
        return tf.distribute.TPUStrategy(resolver)
    raise ValueError(f"Unknown strategy {name!r}; expected auto, default, mirrored, multiworker or tpu.")


def is_chief(strategy):
    """True for the one process that writes the run folder (single process: always)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    return resolver.task_type in (None, "chief") or (
        resolver.task_type == "worker" and resolver.task_id == 0 and "chief" not in resolver.cluster_spec().as_dict()
    )
