"""What the schemathesis run (``python -m bench.fuzz``) found, kept fixed: a hearing id beyond a
database integer gave HTTP 500 on PostgreSQL in the secretariat's pages; now a 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hoering.web.app import create_app
from tests.safety.conftest import log_in
from tests.support import make_runtime


def test_huge_and_negative_ids_are_not_found(tmp_path, database_url, clock, password_hash):
    rt = make_runtime(tmp_path, database_url, clock, admin_password_hash=password_hash)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        assert log_in(client).status_code == 303
        for hid in ("25124874085881339904", "-63445064039", "2147483648", "0"):
            assert client.get(f"/sekretariat/hoering/{hid}").status_code == 404, hid
            assert client.get(f"/sekretariat/hoering/{hid}/bilag/1").status_code in (404, 405), hid
            assert client.post(f"/sekretariat/hoering/{hid}/luk", data={}).status_code < 500, hid
