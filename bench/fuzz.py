"""``python -m bench.fuzz [--requests N] [--sqlite]``: schemathesis against ``hoering web`` on
PostgreSQL (or SQLite), over real HTTP, failing on any response >= 500 or a traceback in the
server's log:

- the API from its own OpenAPI schema (positive and negative cases) with a secretariat person's
  API token, so the writes run too;
- every HTML form route of the app (the answer page, the minutes approval, the login, and every
  console route, logged in) from a schema built from the app's own routes: each path id is a real
  one, any integer (huge ones included) or any string; each form field the real value, anything
  Hypothesis makes up, or a hostile one (NUL and other control characters, 70 000 characters,
  out-of-range numbers, other types).

Real values (valid answer links and their CSRF fields, the session's CSRF field, option keys)
let the requests reach the code behind the CSRF and link checks. Each request comes through a
trusted proxy with its own X-Forwarded-For, so the guess budgets do not turn the run into 429s.
``tests/safety/test_fuzz.py`` runs it in ``make test-slow`` on both databases.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import requests
from sqlalchemy import select

from bench.common import OUT, ROOT, fresh_database, hoering_env
from hoering.mail.sink import free_port

AT = "2014-05-01T10:00"
OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)
API_TOKEN = "fuzz-api-token-0123456789abcdef"
PASSWORD = "fuzz-adgangskode"
EMAIL = "fuzz@sekretariat.example"
NONCE = "fuzz-csrf-nonce-0123456789"


def prepare(url: str, home: Path) -> dict[str, Any]:
    from hoering.db.migrate import upgrade
    from hoering.db.models import AnswerToken
    from hoering.passwords import hash_password
    from hoering.runtime import bootstrap, forget_databases
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.registry import load_registry
    from hoering.services.users import add_user, issue_api_token
    from hoering.settings import load_settings
    from hoering.tokens import derive_token
    from hoering.web.security import Csrf, answer_scope

    rt = bootstrap(load_settings(database_url=url, home=home, secret_key="bench-secret-key"),
                   clock=lambda: OPENED)
    upgrade(rt.db)
    load_registry(rt)
    hids = [open_hearing(rt, read_hearing_file(ROOT / "examples" / name), again=True)
            for name in ("jyfe.yaml", "jyfe-equal.yaml")]
    add_user(rt, EMAIL, name="Fuzz Sekretær", role="sekretariat", password=PASSWORD)
    write_token = issue_api_token(rt, EMAIL)
    with rt.db.read() as s:
        tokens = [derive_token(rt.secret, n) for n in s.scalars(select(AnswerToken.nonce))]
    csrf = Csrf(rt.secret)
    fields = {t: csrf.field_for(NONCE, answer_scope(t)) for t in tokens}
    prepared = {"hearings": hids, "tokens": tokens, "fields": fields, "hash": hash_password(PASSWORD),
                "write_token": write_token}
    forget_databases()
    return prepared


# what a user can type that has broken servers: NUL and other controls, very long text, numbers
# out of every integer column's range, other types
HOSTILE = ["\x00", "a\x00b", "\x0b", "\x1b[31m", "\u202e", "x" * 70_000, "99999999999", "-1",
           "9" * 40, "1e309", "[]", "{}", "", " ", "١٢"]
# the routes not fuzzed: ending the fuzz's own session, and files (asked for by id below)
SKIPPED = {"/sekretariat/logout", "/sekretariat/logout-everywhere"}
FIELDS = ("csrf", "email", "password", "title", "question", "kind", "body", "recipients", "deadline",
          "option", "comment", "text", "hearing", "kommune", "reason", "note", "punkt", "moede", "til",
          "start", "end", "date", "place", "outcome", "rettelse", "retning", "resume", "indstillinger",
          "action", "staging", "answered_by", "channel", "force", "click", "uden_filer", "keep",
          "remove_bilag", "decision", "beslutning")


def form_schema(p: dict[str, Any], session_field: str, routes: list[tuple[str, str]]) -> dict[str, Any]:
    """OpenAPI 3 for the HTML routes (``routes``: method and path as the app declares them);
    each value is the real thing, anything at all, or a hostile one."""
    tokens, fields = p["tokens"][:4], [p["fields"][t] for t in p["tokens"][:4]]
    real: dict[str, list[Any]] = {
        "csrf": [session_field, *fields], "email": [EMAIL, "anna\x00@sek.example"], "password": [PASSWORD],
        "option": ["pulje", "udbetaling", "enig", "ja"], "kommune": ["851", "Aalborg", "773"],
        "hearing": [str(h) for h in p["hearings"]], "force": ["ja"], "kind": ["interest", "allocation"],
        "body": ["das", "socialdirektoerkredsen"], "recipients": ["all"], "deadline": ["2014-05-20T12:00"],
        "channel": ["phone", "mail"], "action": ["gem", "tilfoej", "fjern-0", "beregn"]}

    def value(name: str) -> dict[str, Any]:
        return {"anyOf": [{"enum": real.get(name, ["1"])}, {"type": "string"}, {"enum": HOSTILE},
                          {"type": "integer"}]}

    body = {"required": True, "content": {"application/x-www-form-urlencoded": {
        "schema": {"type": "object", "properties": {name: value(name) for name in FIELDS}}}}}
    ids = {"anyOf": [{"enum": [*p["hearings"], 1, 2, 99999999999, 2**31, -1, 0]}, {"type": "integer"},
                     {"type": "string"}]}
    links = {"anyOf": [{"enum": tokens}, {"type": "string"}, {"enum": HOSTILE[:5]}]}
    paths: dict[str, dict[str, Any]] = {}
    for method, path in routes:
        if path in SKIPPED or path.startswith(("/api", "/static", "/docs", "/redoc", "/openapi")):
            continue
        names = re.findall(r"{([a-z_]+)(?::[a-z]+)?}", path)
        parameters = [{"name": n, "in": "path", "required": True,
                       "schema": links if n == "token" else ids if n.endswith("id") or n == "number" else
                       {"anyOf": [{"type": "string"}, {"enum": HOSTILE[:5]}]}} for n in names]
        operation: dict[str, Any] = {"parameters": parameters, "responses": {"default": {"description": "any"}}}
        if method == "post":
            operation["requestBody"] = body
        paths.setdefault(re.sub(r"{([a-z_]+):[a-z]+}", r"{\1}", path), {})[method] = operation
    return {"openapi": "3.0.3", "info": {"title": "forms", "version": "1"}, "paths": paths}


def app_routes(url: str, home: Path) -> list[tuple[str, str]]:
    """Every (method, path) the web app declares, read from the app itself."""
    from starlette.routing import Route

    from hoering.runtime import bootstrap, forget_databases
    from hoering.settings import load_settings
    from hoering.web.app import create_app

    rt = bootstrap(load_settings(database_url=url, home=home, secret_key="bench-secret-key"), clock=lambda: OPENED)
    app = create_app(rt)
    found = sorted({(m.lower(), r.path) for r in app.routes if isinstance(r, Route)
                    for m in (r.methods or ()) if m in ("GET", "POST")})
    forget_databases()
    return found


def run_operations(operations: list[Any], base: str, target: int, *, headers: dict[str, str],
                   cookies: dict[str, str], counts: Counter[int], errors: list[str], mode: Any) -> int:
    from hypothesis import HealthCheck, given, settings

    made = 0
    per_operation = max(10, target // max(1, len(operations)))
    with requests.Session() as session:
        for operation in operations:

            @settings(max_examples=per_operation, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                nonlocal made
                forwarded = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
                response = case.call(base_url=base, session=session, cookies=cookies,
                                     headers={**headers, "X-Forwarded-For": forwarded}, timeout=60)
                made += 1
                counts[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                  f"{response.text[:200]!r}")

            call()
    return made


def main(argv: list[str]) -> int:
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    parser = argparse.ArgumentParser(prog="python -m bench.fuzz")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite" if args.sqlite else "postgres",
                                                              Path(tmp)) as url:
        home = Path(tmp)
        p = prepare(url, home)
        port = free_port()
        env = hoering_env(home, url, HOERING_ADMIN_PASSWORD_HASH=p["hash"], HOERING_API_TOKEN=API_TOKEN,
                          HOERING_TRUSTED_PROXIES="127.0.0.1", HOERING_PORTAL_URL=f"http://127.0.0.1:{port}")
        log = (home / "web.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "hoering.cli.main", "--at", AT, "web", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            with httpx.Client(base_url=base, follow_redirects=False) as c:
                page = c.get("/sekretariat/login")
                field = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
                assert c.post("/sekretariat/login", data={"email": EMAIL, "password": PASSWORD,
                                                          "csrf": field}).status_code == 303
                session_field = re.search(r'name="csrf" value="([^"]+)"',  # type: ignore[union-attr]
                                          c.get(f"/sekretariat/hoering/{p['hearings'][0]}").text).group(1)
                cookies = {"hoering_session": c.cookies["hoering_session"], "hoering_csrf": c.cookies["hoering_csrf"]}
            api = [r.ok() for r in schemathesis.openapi.from_url(base + "/api/openapi.json").get_all_operations()]
            schema = form_schema(p, session_field, app_routes(url, home))
            forms = [r.ok() for r in schemathesis.openapi.from_dict(schema).get_all_operations()]
            public = [op for op in forms if not op.path.startswith("/sekretariat") or op.path == "/sekretariat/login"]
            console = [op for op in forms if op not in public]
            counts: Counter[int] = Counter()
            errors: list[str] = []
            made = 0
            auth = {"Authorization": f"Bearer {p['write_token']}"}
            rounds = 0
            while made < args.requests and rounds < 20:
                rounds += 1
                left = args.requests - made
                for ops, headers, cookie_jar, modes in (
                        (api, auth, {}, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)),
                        (public, {}, {"hoering_csrf": NONCE}, (GenerationMode.POSITIVE,)),
                        (console, {}, {**cookies, "hoering_csrf": NONCE}, (GenerationMode.POSITIVE,))):
                    for mode in modes:
                        made += run_operations(ops, base, left // 4, headers=headers, cookies=cookie_jar,
                                               counts=counts, errors=errors, mode=mode)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_log = (home / "web.log").read_text(errors="replace")
    result = {"requests": made, "server_errors": len(errors), "statuses": dict(sorted(counts.items())),
              "database": "sqlite" if args.sqlite else "postgresql", "seconds": round(time.monotonic() - started, 1),
              "tracebacks_in_server_log": server_log.count("Traceback"), "first_errors": errors[:10]}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fuzz.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if errors or result["tracebacks_in_server_log"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
