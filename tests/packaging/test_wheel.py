"""Issue 11 item 6: the wheel carries every template, the registry and the migrations, and a
non-editable install of it works away from the checkout: it migrates a database, loads the
registry and renders the JYFE invitations (Danish, from the packaged e-mail templates)."""

from __future__ import annotations

import email
import json
import os
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from email import policy
from pathlib import Path

import pytest

from tests.support import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment: ~30 s

NEEDED = {
    "the e-mail invitation": "hoering/templates/email/invitation.html",
    "the e-mail base layout": "hoering/templates/email/base.txt",
    "the meeting document": "hoering/templates/documents/meeting.html",
    "the answer page": "hoering/web/templates/svar.html",
    "the style sheet": "hoering/web/static/style.css",
    "the registry": "hoering/registry/registry.yaml",
    "the migrations' env": "hoering/db/migrations/env.py",
    "the first migration": "hoering/db/migrations/versions/0001_initial_schema.py",
}

CHECK = """
import json, sys
import hoering, hoering.templating, hoering.web.rendering
env = hoering.templating.environment()
env.get_template("documents/meeting.html")
hoering.web.rendering.make_templates().get_template("svar.html")
print(json.dumps({"package": hoering.__file__, "templates": env.loader.get_source(env, "email/invitation.txt")[1]}))
"""


def test_a_wheel_installed_into_a_fresh_venv_renders_the_invitations(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("hoering-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [what for what, name in NEEDED.items() if name not in names]
    assert not missing, f"the wheel lacks {missing}"
    sources = {p.name for p in (ROOT / "templates" / "email").iterdir()}
    assert sources == {n.rsplit("/", 1)[1] for n in names if n.startswith("hoering/templates/email/")}

    # A fresh environment with the wheel installed as files (not editable); the dependencies
    # come from this environment's site-packages, added after the fresh one's own.
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=300)
    fresh_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                     check=True, capture_output=True, text=True).stdout.strip())
    (fresh_site / "_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    work = tmp_path / "elsewhere"  # no checkout on the path: only the installed package
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HOERING_HOME=str(work / "var"), HOERING_SECRET_KEY="wheel-test",
               HOERING_DATABASE_URL=f"sqlite:///{work / 'hoering.db'}")
    checked = subprocess.run([str(python), "-c", CHECK], cwd=work, env=env, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0, checked.stderr
    found = json.loads(checked.stdout)
    assert found["package"].startswith(str(fresh_site))
    assert found["templates"].startswith(str(fresh_site))  # real files in the install, not the checkout

    hoering = venv / "bin" / "hoering"
    for args in (["init"], ["--at", "2014-04-29T10:00", "hearing", "open", str(EXAMPLES / "jyfe.yaml")]):
        done = subprocess.run([str(hoering), *args], cwd=work, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(work / "hoering.db") as db:
        raws = [r for (r,) in db.execute("select u.raw from outbox o join outbox_unsent u on u.outbox_id = o.id "
                                         "where o.kind = 'invitation'")]
    assert len(raws) == 11
    message = email.message_from_string(raws[0], policy=policy.default)
    assert "Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE" in str(message["Subject"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "senest tirsdag den 13. maj 2014 kl. 12.00" in text and "/svar/" in text
