"""Benchmark: DATEV EXTF export of 1,000,000 stored bookings (one month of a busy location).

Run: `python -m tests.benchmarks.bench_datev_export` (`--rows`; `--database-url` of a scratch database
for PostgreSQL: the rows stay there).
It stores the bookings once (SQLite in a temp folder by default, not timed), marks them as one
export, then measures in two fresh child processes, so that each peak memory is its own:

- belegfluss: `export_again` — stream the rows from the store through the Buchungsstapel writer
  into a file (header, 125 columns, cp1252, CRLF);
- baseline: the same rows from the same store query, written with Python's csv module (the same
  125 values per row, `;`, CRLF, a cp1252 file).

It prints rows/s, seconds, peak RSS and the ratio belegfluss / csv. Goal: < 10 s and < 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from belegfluss.accounting.booking import Booking
from belegfluss.profiles.model import LocationProfile
from belegfluss.profiles.registry import load_profile_file
from belegfluss.store import bookings as booking_store
from belegfluss.store.database import Database

PROFILE = Path(__file__).resolve().parents[2] / "workflows" / "profiles" / "cafe-berlin.yaml"
FIRST_DAY = date(2026, 3, 1)
ROWS_PER_INSERT = 20_000
LEGS = [
    (1000, 8400, "", "19%", "Bar"),
    (1000, 8301, "2", "7%", "Bar"),
    (1361, 8400, "", "19%", "SumUp"),
    (1361, 1592, "", "Trinkgeld", "SumUp"),
    (1796, 8400, "", "19%", "Gutschein"),
    (1000, 1796, "", "MZ-Gutschein", "Bar"),
]


def synthetic_bookings(count: int, seed: int = 7) -> list[Booking]:
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        account, contra, bu_key, what, paid = LEGS[number % len(LEGS)]
        receipt = 100_000 + number // 2
        rows.append(
            Booking(
                amount=Decimal(rng.randint(1, 25_000)).scaleb(-2),
                debit_credit="H" if number % 97 == 0 else "S",
                account=account,
                contra_account=contra,
                bu_key=bu_key,
                document_date=FIRST_DAY + timedelta(days=number % 31),
                document_number=f"K{1 + number % 3}/{receipt}",
                text=f"Kasse K{1 + number % 3} Bon {receipt} {what} {paid} Käsekuchen"[:60],
                event_id=f"sumup:TX{receipt:010d}",
                location_id="cafe-berlin",
                cost_center="CAFE1",
                tax_rate=Decimal("19") if what == "19%" else None,
            )
        )
    return rows


def prepare(database: Database, count: int) -> str:
    for start in range(0, count, ROWS_PER_INSERT):
        booking_store.insert_bookings(
            database, synthetic_bookings(min(ROWS_PER_INSERT, count - start), seed=start), first_seq=start
        )
    batch = booking_store.claim_export(database, "cafe-berlin", FIRST_DAY, FIRST_DAY + timedelta(days=30))
    assert batch is not None and batch.row_count == count
    return batch.export_id


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_belegfluss(database: Database, profile: LocationProfile, export_id: str, target: Path) -> int:
    from belegfluss.accounting.service import export_again

    file = export_again(database, profile, export_id)
    with target.open("wb") as out:
        for chunk in file.chunks:
            out.write(chunk)
    return file.row_count or 0


def run_csv_baseline(database: Database, export_id: str, target: Path) -> int:
    from belegfluss.accounting.datev.columns import BUCHUNGSSTAPEL_COLUMNS

    empty = [""] * len(BUCHUNGSSTAPEL_COLUMNS)
    rows = 0
    with target.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([column.name for column in BUCHUNGSSTAPEL_COLUMNS])
        for booking in booking_store.exported_bookings(database, export_id):
            values = list(empty)
            values[0] = f"{booking.amount:.2f}".replace(".", ",")
            values[1], values[2] = booking.debit_credit, booking.currency
            values[6], values[7], values[8] = (
                str(booking.account),
                str(booking.contra_account),
                booking.bu_key,
            )
            values[9] = booking.document_date.strftime("%d%m")
            values[10], values[13] = booking.document_number, booking.text
            values[20], values[21], values[36] = "Belegfluss-ID", booking.event_id, booking.cost_center
            writer.writerow(values)
            rows += 1
    return rows


def child(kind: str, database_url: str, export_id: str, target: Path) -> None:
    database = Database(database_url)
    profile = load_profile_file(PROFILE)
    started = time.perf_counter()
    rows = (
        run_belegfluss(database, profile, export_id, target)
        if kind == "belegfluss"
        else run_csv_baseline(database, export_id, target)
    )
    seconds = time.perf_counter() - started
    print(
        json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb(), "bytes": target.stat().st_size})
    )


def measure(kind: str, database_url: str, export_id: str, folder: Path) -> dict:
    target = folder / f"{kind}.csv"
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.bench_datev_export",
            "--child",
            kind,
            "--database-url",
            database_url,
            "--export-id",
            export_id,
            "--target",
            str(target),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    parser.add_argument("--child", choices=("belegfluss", "csv"), help=argparse.SUPPRESS)
    parser.add_argument("--export-id", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.export_id, Path(args.target))
        return
    with tempfile.TemporaryDirectory(prefix="bf-bench-datev-") as temp:
        folder = Path(temp)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        database = Database(url)
        database.migrate()
        started = time.perf_counter()
        export_id = prepare(database, args.rows)
        print(f"stored {args.rows:,} bookings in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
        ours = measure("belegfluss", url, export_id, folder)
        baseline = measure("csv", url, export_id, folder)
        print(f"{'writer':<12}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}{'MB out':>9}")
        for name, result in (("belegfluss", ours), ("csv module", baseline)):
            rate = result["rows"] / result["seconds"]
            print(
                f"{name:<12}{result['rows']:>12,}{result['seconds']:>10.2f}{rate:>12,.0f}"
                f"{result['peak_mb']:>10.0f}{result['bytes'] / 1e6:>9.1f}"
            )
        print(
            f"ratio belegfluss / csv module: {ours['seconds'] / baseline['seconds']:.2f} "
            f"(goal: < 10 s and < 200 MB for 1,000,000 rows)"
        )


if __name__ == "__main__":
    main()
