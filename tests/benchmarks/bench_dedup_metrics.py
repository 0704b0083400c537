"""Shared by the dedup benchmarks: pairwise precision / recall / F1 and a plain table printer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class PairwiseQuality:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def same_cluster_pairs(labels: Sequence[Hashable]) -> set[tuple[int, int]]:
    """Every pair of positions that share a label (a cluster of n yields n·(n−1)/2 pairs)."""
    members: dict[Hashable, list[int]] = defaultdict(list)
    for position, label in enumerate(labels):
        members[label].append(position)
    return {pair for group in members.values() for pair in combinations(group, 2)}


def pairwise_quality(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairwiseQuality:
    true_pairs, predicted_pairs = same_cluster_pairs(truth), same_cluster_pairs(predicted)
    return PairwiseQuality(len(true_pairs), len(predicted_pairs), len(true_pairs & predicted_pairs))


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def _cell(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
