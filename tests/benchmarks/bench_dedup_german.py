"""Benchmark: dedup quality on a synthetic German customer set with known duplicates.

Run: `python -m tests.benchmarks.bench_dedup_german [--records 20000]`. The set comes from
`tests/fixtures/identity/german_customers.py` (umlaut spellings, phone formats, e-mail case and
spaces, typos, Straße/Str., titles, missing fields, households sharing an address, a landline and
a family e-mail, twins). Pairwise precision, recall and F1 of the automatic merges; the review
queue's share of the remaining duplicates; and, as the baseline measured in the same run, exact
matching on the raw e-mail address (what a CRM's own duplicate check does).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from belegfluss.identity.batch import dedup_batch
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer
from tests.benchmarks.bench_dedup_metrics import pairwise_quality, print_table, same_cluster_pairs
from tests.fixtures.identity.german_customers import generate


def exact_email_clusters(records: list[dict[str, Any]]) -> list[str]:
    owner: dict[str, str] = {}
    labels = []
    for index, record in enumerate(records):
        label = next((owner[e] for e in record["emails"] if e in owner), f"r{index}")
        for email in record["emails"]:
            owner.setdefault(email, label)
        labels.append(label)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    raw = generate(args.records, args.seed)
    truth = [record.pop("entity") for record in raw]
    customers = [Customer.model_validate(record) for record in raw]
    true_pairs = same_cluster_pairs(truth)
    rows = []
    for name, settings in (("Belegfluss, default shop profile", MatchSettings()),
                           ("Belegfluss, estimated m/u, no vetoes", MatchSettings(estimate_weights=True, veto_fields=[]))):
        started = time.perf_counter()
        result = dedup_batch(customers, settings)
        seconds = time.perf_counter() - started
        quality = pairwise_quality(truth, [item.cluster_id for item in result.items])
        reviewed = {(min(i, j), max(i, j)) for i, j, _ in result.review_pairs}
        merged = same_cluster_pairs([item.cluster_id for item in result.items])
        caught = len((merged | reviewed) & true_pairs) / len(true_pairs)
        rows.append((name, quality.precision, quality.recall, quality.f1, caught, len(reviewed), round(seconds, 2)))
    started = time.perf_counter()
    baseline = pairwise_quality(truth, exact_email_clusters(raw))
    rows.append(("baseline: exact raw e-mail", baseline.precision, baseline.recall, baseline.f1, baseline.recall, 0,
                 round(time.perf_counter() - started, 2)))
    print_table(f"Synthetic German customers: {len(raw):,} records, {len(true_pairs):,} true duplicate pairs",
                ("method", "precision", "recall", "F1", "merged+review recall", "review pairs", "wall s"), rows)
    print("precision and F1 are those of the automatic merges; the goal is F1 >= 0.97 with precision >= 0.995")


if __name__ == "__main__":
    main()
