"""Counts words and numbers in a text file: a small Python sample for the token overlays."""
import re
import sys
from collections import Counter


def tally(text: str) -> Counter:
    words = re.findall(r"[A-Za-z']+|\d+(?:\.\d+)?", text)
    return Counter(w.lower() for w in words)


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        counts = tally(f.read())
    for word, n in counts.most_common(10):
        print(f"{n:6d}  {word}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else __file__)
