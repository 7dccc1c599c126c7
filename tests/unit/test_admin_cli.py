"""The production bootstrap command answers a password the rule refuses with the rule's words, not a traceback."""
from devstack import admin


def test_a_weak_password_is_refused_with_the_rule(monkeypatch, capsys):
    monkeypatch.setenv("SKILLCERT_NEW_PASSWORD", "short")
    assert admin.main(["create-user", "--username", "ops", "--role", "admin"]) == 2
    err = capsys.readouterr().err
    assert "密码" in err and "Traceback" not in err
