"""docker-compose.yml (no Docker engine here): the production services exist and
the app/worker get their configuration under the same names as Settings and
.env.example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def _env_example_names() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
        if m:
            names.add(m.group(1))
    return names


def test_services_and_images() -> None:
    services = _compose()["services"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["minio"]["image"].startswith("minio/minio")
    assert services["app"]["command"] == ["execora", "serve"]
    assert services["worker"]["command"] == ["execora", "worker"]
    assert services["migrate"]["command"] == ["execora", "migrate"]


def test_app_and_worker_settings_use_setting_names() -> None:
    services = _compose()["services"]
    for name in ("app", "worker", "migrate"):
        env = services[name]["environment"]
        assert isinstance(env, dict)
        unknown = set(env) - SETTING_NAMES
        assert not unknown, f"{name}: not settings: {sorted(unknown)}"
        core = {"DATABASE_URL", "REDIS_URL", "HOST", "PORT", "DATA_DIR", "APP_SECRET", "PUBLIC_BASE_URL",
                "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "S3_ENDPOINT_URL", "S3_BUCKET",
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
        assert core <= set(env), sorted(core - set(env))
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["HOST"] == "0.0.0.0"


def test_app_waits_for_migrations_and_dependencies() -> None:
    services = _compose()["services"]
    deps = services["app"]["depends_on"]
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert deps["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_app_replicas_sit_behind_a_proxy_that_passes_websockets() -> None:
    services = _compose()["services"]
    assert "ports" not in services["app"]  # replicas are reached through the proxy only
    assert str(services["app"]["deploy"]["replicas"]).startswith("${APP_REPLICAS")
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert any(str(p).endswith(":80") for p in proxy["ports"])
    conf_path = next(v.split(":")[0] for v in proxy["volumes"] if "nginx" in v)
    conf = (ROOT / conf_path).read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "server app:3000" in conf
    env = services["app"]["environment"]
    assert env["METRICS_DIR"].startswith("/tmp/")  # per container: replicas share DATA_DIR
    assert (ROOT / "deploy/prometheus/prometheus.yml").exists()


def test_env_example_lists_every_setting() -> None:
    names = _env_example_names()
    missing = SETTING_NAMES - names
    assert not missing, f".env.example lacks {sorted(missing)}"
    assert not names - SETTING_NAMES, f".env.example has unknown {sorted(names - SETTING_NAMES)}"
