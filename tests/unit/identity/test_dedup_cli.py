"""`belegfluss dedup` on a CSV export: clusters and reasons for an ops team's clean-up."""

import argparse
import csv
import json

from belegfluss.cli import identity as dedup_command

EXPORT = """first_name,last_name,email,phone,street,house_number,postcode,city,hubspot_id
Jürgen,Müller,j.mueller@web.de,0221 1234567,Lindenstraße,12,50674,Köln,101
Juergen,Mueller,J.Mueller@WEB.de,+49 221 1234567,Lindenstr.,12,50674,Köln,102
Eva,Klein,eva@klein.de,,,,,,103
"""


def run(argv):
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    dedup_command.register(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def test_dedup_of_a_csv_export_writes_reasons_per_line_and_a_cluster_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BELEGFLUSS_PROFILES_DIR", str(tmp_path))
    export, clusters = tmp_path / "contacts.csv", tmp_path / "clusters.csv"
    export.write_text(EXPORT, encoding="utf-8")
    assert run(["dedup", str(export), "--clusters", str(clusters)]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["line"] for a in answers] == [2, 3, 4]
    juergen, mueller, eva = answers
    assert juergen["cluster_id"] == mueller["cluster_id"] != eva["cluster_id"]
    assert mueller["decision"] == "match" and mueller["matched_line"] == 2
    assert {r["field"] for r in mueller["reasons"]} >= {"email", "phone", "street", "total"}
    rows = list(csv.DictReader(clusters.open()))
    assert [(r["line"], r["cluster_id"]) for r in rows][:2] == [("2", juergen["cluster_id"]), ("3", juergen["cluster_id"])]


def test_csv_columns_become_a_customer():
    record = dedup_command.csv_record({"first_name": "Eva", "email": "a@x.de; b@x.de", "postcode": "50674",
                                       "sumup_id": "c-9", "phone": ""})
    assert record == {"first_name": "Eva", "emails": ["a@x.de", "b@x.de"], "address": {"postcode": "50674"},
                      "external_ids": {"sumup": "c-9"}}
