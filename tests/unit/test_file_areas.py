"""The bucket's expiry rules come from the one table of key prefixes the code may write."""
import pytest

from chalicelib import files
from deploy import template


def test_the_lifecycle_rules_are_the_expiring_prefixes():
    bucket = template.resources("dev")["Resources"]["FilesBucket"]["Properties"]
    rules = {r["Prefix"]: r["ExpirationInDays"] for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules == files.expiring_prefixes()
    assert {"previews/", "exports/", "lists/", "downloads/"} <= set(rules)
    assert "certificates/" not in rules and "signatures/" not in rules


def test_an_undeclared_prefix_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="files.PREFIXES"):
        files.put("scratch/x.pdf", b"%PDF", "application/pdf")
