"""Operate on whichever AWS the standard settings point at — moto, LocalStack or a real account:

    python -m devstack.admin create-resources             # table + GSIs, queue + DLQ, bucket
    python -m devstack.admin create-user --username admin --role admin   # asks for the password
    python -m devstack.admin load-demo                    # the demo data set (never on production)

Set ``AWS_ENDPOINT_URL`` (e.g. http://localhost:4566 for LocalStack) or leave it unset for real AWS.
"""
import argparse
import getpass
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("create-resources")
    user = sub.add_parser("create-user")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True,
                      choices=["admin", "teo", "teo_signer", "college", "college_signer", "candidate"])
    user.add_argument("--org-id")
    user.add_argument("--candidate-no")
    user.add_argument("--display-name", default="")
    sub.add_parser("load-demo")
    args = parser.parse_args(argv)

    if args.command == "create-resources":
        from .aws import create_resources
        print(json.dumps(create_resources(), indent=2))
    elif args.command == "create-user":
        from chalicelib.domain.errors import DomainError
        from chalicelib.services.accounts import create_user
        password = os.environ.get("SKILLCERT_NEW_PASSWORD") or getpass.getpass("password: ")
        try:
            user = create_user(args.username, password, args.role, org_id=args.org_id,
                               candidate_no=args.candidate_no, display_name=args.display_name)
        except DomainError as exc:          # the password rule, a taken name: said as the API says it
            print(exc.message, file=sys.stderr)
            return 2
        print(json.dumps(user, ensure_ascii=False))
    elif args.command == "load-demo":
        from .demo import load
        print(json.dumps(load(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
