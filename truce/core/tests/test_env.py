import pytest

from truce.env import EnvError, env_bool, env_int, env_list, parse_database_url


def test_database_url_parsing():
    db = parse_database_url("postgres://u%40x:p%2Fw@db.internal:6543/truce?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "u@x",
        "p/w",
        "db.internal",
        "6543",
    )
    assert db["NAME"] == "truce" and db["OPTIONS"] == {"sslmode": "require"}
    assert db["CONN_MAX_AGE"] == 600 and db["CONN_HEALTH_CHECKS"] is True


def test_database_url_conn_max_age_zero_closes_after_each_request():
    db = parse_database_url("postgres://localhost/truce?conn_max_age=0")
    assert db["CONN_MAX_AGE"] == 0 and db["CONN_HEALTH_CHECKS"] is False


def test_database_url_conn_max_age_enables_health_checks():
    db = parse_database_url("postgresql://localhost/truce?conn_max_age=60")
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert "conn_max_age" not in db["OPTIONS"]


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host:5432/", "sqlite:///x"])
def test_bad_database_urls_fail_loudly(url):
    with pytest.raises(EnvError):
        parse_database_url(url)


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(EnvError, match="X_FLAG"):
        env_bool("X_FLAG")
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_N", "12")
    assert env_int("X_N", 3) == 12
    monkeypatch.setenv("X_N", "twelve")
    with pytest.raises(EnvError, match="X_N"):
        env_int("X_N", 3)
    monkeypatch.setenv("X_L", " a.example , b.example,,")
    assert env_list("X_L") == ["a.example", "b.example"]
