"""The ``pathways`` command for operators and auditors.

    pathways verify --service intake      recompute a service's hash chain; exit 1 on a bad position
    pathways head --service intake        the log head (position + hash) to publish as a seal
    pathways dead-letters --service reporting   parked events with their reasons
    pathways seed --tokens FILE [--participants N]  demo data through the services' HTTP APIs
    pathways retry --service reporting --source intake --stream run-…   re-apply parked events
    pathways audit verify --feed URL [--seal FILE]   the chain, from the feed alone
    pathways audit export --feed URL --out FILE      history as JSON Lines + chain head
    pathways audit seal --feed URL --key-file FILE   the chain head signed (Ed25519 PEM or HMAC)
    pathways audit replay --feed NAME=URL ... [--as-known-at T]   reports rebuilt from feeds
    pathways check-config intake employer:VAULT_MASTER_KEY=EMPLOYER_VAULT_MASTER_KEY ...
                                          each service's settings (and master key) before a start

Connection settings come from the environment (``MONGO_URI``, ``MONGO_DB_PREFIX``)
or the flags.
"""
import argparse
import json
import os
import sys

import requests

from pathways.eventstore import EventStore
from pathways.operations.mongo import mongo_client


def _database(args):
    if not args.mongo_uri:
        sys.exit("pathways: MONGO_URI is not set (flag --mongo-uri or environment)")
    return mongo_client(args.mongo_uri)[f"{args.db_prefix}_{args.service}"]


def cmd_verify(args):
    seal = None
    if args.seal_position is not None:
        seal = {"position": args.seal_position, "hash": args.seal_hash}
    result = EventStore(_database(args), args.service, validate=False).verify(seal=seal)
    print(json.dumps(result.to_dict(), indent=2))
    return 0 if result.ok else 1


def cmd_head(args):
    print(json.dumps(EventStore(_database(args), args.service, validate=False).head()))
    return 0


def cmd_dead_letters(args):
    for d in _database(args)["dead_letters"].find({"status": "parked"}, sort=[("position", 1)]):
        print(json.dumps({k: d.get(k) for k in ("consumer", "source", "position", "stream_id",
                                                 "type", "event_id", "reason", "attempts")}))
    return 0


def cmd_seed(args):
    from ops.seed import seed
    with open(args.tokens) as f:
        orgs = json.load(f)
    urls = {"intake": args.intake, "employer": args.employer, "placement": args.placement}
    stats = seed(urls, orgs, participants=args.participants)
    print(json.dumps(stats))
    return 0


def cmd_retry(args):
    from nameko.standalone.rpc import ClusterRpcProxy
    if not args.amqp_uri:
        sys.exit("pathways: AMQP_URI is not set (flag --amqp-uri or environment)")
    with ClusterRpcProxy({"AMQP_URI": args.amqp_uri}, timeout=60) as rpc:
        result = getattr(rpc, args.service).retry_parked(args.source, args.stream)
    print(json.dumps(result))
    return 0 if result and all(result.values()) else 1


def cmd_audit(args):
    from pathways.security import audit
    if args.audit == "replay":
        feeds = {name: {"url": url, "token": args.token}
                 for name, url in (f.split("=", 1) for f in args.feed)}
        filters = {"org": args.org} if args.org else None
        from services.reporting.audit import replay
        print(json.dumps(replay(feeds, known_at=args.as_known_at, filters=filters),
                         indent=2, sort_keys=True))
        return 0
    feed = audit.Feed(args.feed[0], token=args.token)
    if args.audit == "verify":
        seal = json.load(open(args.seal)) if args.seal else None
        result = audit.verify(feed, seal=seal)
        print(json.dumps(result.to_dict(), indent=2))
        return 0 if result.ok else 1
    if args.audit == "export":
        with open(args.out, "w") as out:
            count, result = audit.export(feed, out)
        print(json.dumps({"commits": count, **result.to_dict()}, indent=2))
        return 0 if result.ok else 1
    key = open(args.key_file, "rb").read().strip()
    if len(key) < 16:
        sys.exit("pathways: the seal key must be an Ed25519 private key (PEM) or at least 16 bytes")
    print(json.dumps(audit.seal(feed, key), indent=2))
    return 0


def cmd_check_config(args):
    from ops.preflight import check
    problems = check(args.services, args.config, dict(os.environ))
    for problem in problems:
        print(f"pathways check-config: {problem}", file=sys.stderr)
    if not problems:
        print(f"pathways check-config: {', '.join(args.services)}: configuration good")
    return 78 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="pathways", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mongo-uri", default=os.environ.get("MONGO_URI"))
    parser.add_argument("--db-prefix", default=os.environ.get("MONGO_DB_PREFIX", "pathways"))
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="recompute a service's hash chain")
    verify.add_argument("--seal-position", type=int)
    verify.add_argument("--seal-hash")
    verify.set_defaults(fn=cmd_verify)
    sub.add_parser("head", help="the log head to publish as a seal").set_defaults(fn=cmd_head)
    sub.add_parser("dead-letters", help="parked events").set_defaults(fn=cmd_dead_letters)
    for p in list(sub.choices.values()):
        p.add_argument("--service", required=True, help="service name, e.g. intake")
    retry = sub.add_parser("retry", help="re-apply a stream's parked events (over RPC)")
    retry.add_argument("--service", required=True)
    retry.add_argument("--source", required=True)
    retry.add_argument("--stream", required=True)
    retry.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"))
    retry.set_defaults(fn=cmd_retry)
    seed = sub.add_parser("seed", help="demo data through the services' HTTP APIs")
    seed.add_argument("--tokens", required=True,
                      help='JSON file: {"<org>": {"caseworker": TOKEN, "coordinator": TOKEN}}')
    seed.add_argument("--participants", type=int, default=300)
    seed.add_argument("--intake", default="http://127.0.0.1:8001")
    seed.add_argument("--employer", default="http://127.0.0.1:8002")
    seed.add_argument("--placement", default="http://127.0.0.1:8003")
    seed.set_defaults(fn=cmd_seed)
    check_config = sub.add_parser("check-config", help="each service's settings, before a start")
    check_config.add_argument("services", nargs="+",
                              help="NAME or NAME:KEY=VARIABLE,... (the key under another name)")
    check_config.add_argument("--config", default=os.environ.get("PATHWAYS_CONFIG",
                                                                  "/app/config.yaml"))
    check_config.set_defaults(fn=cmd_check_config)
    audit_parser = sub.add_parser("audit", help="what an auditor does with a service's feed")
    audit_sub = audit_parser.add_subparsers(dest="audit", required=True)
    for name in ("verify", "export", "seal", "replay"):
        p = audit_sub.add_parser(name)
        p.add_argument("--feed", action="append", required=True,
                       help="base URL (replay: NAME=URL, once per feed)")
        p.add_argument("--token", default=os.environ.get("PATHWAYS_TOKEN"),
                       help="an auditor's token (default: $PATHWAYS_TOKEN)")
        p.set_defaults(fn=cmd_audit)
    audit_sub.choices["verify"].add_argument("--seal", help="a seal JSON file to check against")
    audit_sub.choices["export"].add_argument("--out", required=True)
    audit_sub.choices["seal"].add_argument("--key-file", required=True)
    audit_sub.choices["replay"].add_argument("--as-known-at")
    audit_sub.choices["replay"].add_argument("--org")
    args = parser.parse_args(argv)
    if args.command == "verify" and (args.seal_position is None) != (args.seal_hash is None):
        parser.error("--seal-position and --seal-hash go together")
    try:
        return args.fn(args)
    except requests.RequestException as err:
        sys.exit(f"pathways: cannot read from the service: {err}")
    except (OSError, ValueError) as err:
        sys.exit(f"pathways: {err}")


if __name__ == "__main__":
    sys.exit(main())
