"""The one input pipeline every ganzoo source ends in."""

import numpy as np

STREAM_SHUFFLE_BUFFER = 10_000


class DataError(ValueError):
    """A data source that cannot be used; the message names the problem."""


def epoch_permutations(num_examples, seed):
    """An endless `tf.data.Dataset` of example indices: a fresh permutation per epoch.

    Permutation e is `argsort(stateless_uniform([n], (seed, e)))`: a function of
    the seed and the epoch only, so the order is the same in every process,
    under any tf.distribute strategy (measured: a seeded `Dataset.shuffle`
    gave a MirroredStrategy run a different order than a one-device run), and
    after a restart.
    """
    import tensorflow as tf

    def permutation(epoch):
        keys = tf.random.stateless_uniform([num_examples], tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices(tf.argsort(keys))

    return tf.data.Dataset.range(np.iinfo(np.int64).max).flat_map(permutation)


def batched(elements, batch_size, *, seed=0, skip_batches=0, prepare=None):
    """Shuffled, repeated, batched (drop_remainder), prefetched pipeline over in-memory `elements`.

    `elements`: an array (or a tuple of arrays) indexed on axis 0; `prepare`
    maps one gathered element to the model's input (decoding, scaling) and runs
    in parallel. `skip_batches=k` continues exactly where a run that consumed k
    batches stopped, without touching the skipped examples.
    """
    import tensorflow as tf

    if batch_size < 1:
        raise DataError(f"batch_size must be >= 1, got {batch_size}.")
    arrays = elements if isinstance(elements, tuple) else (elements,)
    num_examples = len(arrays[0])
    if num_examples < batch_size:
        raise DataError(f"The source has {num_examples} examples, fewer than one batch of {batch_size}.")
    tensors = tuple(tf.constant(a) for a in arrays)
    ds = epoch_permutations(num_examples, seed).skip(skip_batches * batch_size)

    def gather(index):
        picked = tuple(tf.gather(t, index) for t in tensors)
        return picked if len(picked) > 1 else picked[0]

    ds = ds.map(gather, num_parallel_calls=tf.data.AUTOTUNE)
    if prepare is not None:
        ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def batched_stream(ds, batch_size, *, seed=0, skip_batches=0):
    """For sources without random access (a tfds stream): buffer shuffle, repeat, batch."""
    import tensorflow as tf

    ds = ds.shuffle(STREAM_SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True).repeat()
    return ds.batch(batch_size, drop_remainder=True).skip(skip_batches).prefetch(tf.data.AUTOTUNE)
