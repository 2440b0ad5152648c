"""Hand-written GAN training loops that `benchmarks/throughput.py` compares ganzoo against."""
