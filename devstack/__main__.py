"""``make run``: the whole system on the embedded AWS stack. Ctrl-C stops everything."""
import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from . import demo, snapshot, stack


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "8001")))
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"),
                        help="where the UI and API listen; 0.0.0.0 lets a phone on your network scan the QR codes")
    parser.add_argument("--external-aws", action="store_true",
                        default=os.environ.get("SKILLCERT_EXTERNAL_AWS") == "1",
                        help="start no moto; use AWS_ENDPOINT_URL (e.g. LocalStack) or real AWS")
    parser.add_argument("--no-demo", action="store_true", default=os.environ.get("DEMO", "1") == "0",
                        help="start with an empty table (no demo data)")
    parser.add_argument("--data", type=Path, default=os.environ.get("DATA") or None,
                        help="keep the embedded AWS's state in this directory (restored on start, saved every "
                             "minute and on stop); without it everything is lost when the stack stops")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS") or os.cpu_count() or 1),
                        help="processes running the SQS handlers at once, as Lambda would (default: one per core)")
    args = parser.parse_args()
    running = stack.start(args.port, None if args.external_aws else args.moto_port, demo=not args.no_demo,
                          host=args.host, data=args.data, workers=args.workers)
    print(f"SkillCert is running at {running.url}")
    if args.host != "127.0.0.1":
        print(f"  QR codes:     {os.environ['SKILLCERT_PUBLIC_URL']}  (listening on {args.host}:{args.port})")
    print(f"  API:          {running.api}/  (OpenAPI: {running.api}/openapi.json)")
    print(f"  Workers:      {args.workers} processes run the SQS handlers (WORKERS=...)")
    print(f"  AWS:          {running.aws_endpoint}  (DynamoDB table {running.resources['table']}, "
          f"SQS {os.path.basename(running.resources['queue_url'])} + DLQ, S3 {running.resources['bucket']})")
    if args.data:
        print(f"  Data:         kept in {args.data} (saved every {snapshot.SNAPSHOT_SECONDS} s and on stop)")
    elif not args.external_aws:
        print("  Data:         in memory only: records, files, keys and logins are LOST when this stops "
              "(make run DATA=.local/data keeps them)")
    if running.demo is not None:
        print(f"  Demo data:    {running.demo or 'already loaded'}")
        print(f"  Demo accounts (password {demo.PASSWORD}):")
        for username, role, who in demo.ACCOUNTS:
            print(f"    {username:<16} {role:<15} {who}")
    print("Press Ctrl-C to stop.", flush=True)
    done = threading.Event()
    # Ctrl-C (SIGINT) and SIGTERM both stop the stack. SIGINT gets a handler of its own: a process started
    # in the background inherits SIGINT ignored, and Python then never raises KeyboardInterrupt.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: done.set())
    # Wait in short steps: a signal the kernel delivers to another thread only runs its handler when the
    # main thread is back in the interpreter, which an endless wait never is.
    while not done.wait(0.5):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # a second Ctrl-C must not cut the shutdown short
    print("\nStopping SkillCert ...", flush=True)
    running.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
