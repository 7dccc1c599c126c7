"""`make run HOST=0.0.0.0`: a phone on the same network reaches the UI, and the signing QR codes carry this
machine's network address instead of 127.0.0.1, which a phone cannot open."""
import os
import subprocess
import sys
import threading

import requests

from devstack import aws, stack

from .conftest import ROOT


def test_make_run_on_the_network_serves_it_and_puts_its_address_in_the_qr_codes():
    address, port, moto_port = stack.lan_address(), aws.free_port(), aws.free_port()
    env = {k: v for k, v in os.environ.items() if k != "SKILLCERT_PUBLIC_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "devstack", "--host", "0.0.0.0", "--port", str(port),
                             "--moto-port", str(moto_port), "--no-demo"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = []
        for line in proc.stdout:
            printed.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        assert f"QR codes:     http://{address}:{port}" in "".join(printed), "".join(printed)
        # Keep reading what it prints, so a full pipe never blocks the stack on its way out.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        page = requests.get(f"http://{address}:{port}/sign/some-session", timeout=10)
        assert page.ok and '<div id="app">' in page.text
        assert requests.get(f"http://{address}:{port}/api/health", timeout=10).ok
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:       # as the e2e stack fixture does: never leave it running
            proc.kill()
