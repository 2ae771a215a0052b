"""The deployment guide's configuration files are checked by their own tools.

``docs/deploy.md`` marks each file with a first line ``# file: PATH``. The systemd units are
checked with ``systemd-analyze verify`` (with the guide's install path replaced by this
environment's ``pios``, which must exist for the check to pass) and the nginx configuration with
``nginx -t`` inside a minimal ``nginx.conf`` (with a throw-away certificate in place of the
guide's). Both tools are installed by ``.ci/install``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deploy.md"
INSTALLED = "/opt/pios-ld/venv/bin/pios"


def files() -> dict[str, str]:
    found = {}
    for block in re.findall(r"```(?:ini|nginx)\n(.*?)```", GUIDE.read_text(encoding="utf-8"),
                            re.DOTALL):
        first, _, rest = block.partition("\n")
        assert first.startswith("# file: "), f"a configuration block without '# file:': {first}"
        found[first.removeprefix("# file: ")] = rest
    return found


def test_the_guide_has_units_for_node_aggregator_crawl_and_backups_and_a_proxy():
    names = {Path(name).name for name in files()}
    assert {"pios-node.service", "pios-aggregator.service", "pios-aggregator-crawl.service",
            "pios-aggregator-crawl.timer", "pios-node-backup.service", "pios-node-backup.timer",
            "pios"} <= names


#: In CI (``CI=true``) the tools are installed by .ci/install: a missing one fails, never skips.
IN_CI = bool(os.environ.get("CI"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None and not IN_CI,
                    reason="systemd-analyze is not installed (.ci/install installs it)")
def test_systemd_units_verify(tmp_path):
    pios = Path(sys.executable).with_name("pios")
    assert pios.exists()
    units = []
    for name, text in files().items():
        if name.startswith("/etc/systemd/"):
            path = tmp_path / Path(name).name
            path.write_text(text.replace(INSTALLED, str(pios)))
            units.append(str(path))
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True,
                          timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and "pios" in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists()
                    and not IN_CI, reason="nginx is not installed (.ci/install installs it)")
def test_nginx_configuration_parses(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    [site] = [text for name, text in files().items() if name.startswith("/etc/nginx/")]
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=pios.example.se", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path};
    include {tmp_path}/site.conf;
}}
""")
    done = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
