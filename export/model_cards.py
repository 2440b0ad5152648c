"""Regenerate MODEL_CARDS.md from the preset registry (same as `python -m ganzoo.cards`; --check to test)."""

import sys

from ganzoo.cards import main

if __name__ == "__main__":
    sys.exit(main())
