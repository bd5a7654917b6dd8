"""``pathways-service MODULE:Class [--config FILE]``: ``nameko run`` for one service, which checks
the service's configuration first; a bad one is one line naming every bad key and exit status 78
(EX_CONFIG), and no container is started, so no traceback buries it.

The config file defaults to ``PATHWAYS_CONFIG`` or ``/app/config.yaml`` (the image's). The checks
are the service's own settings (``pathways.operations.settings``) and, for a service that seals
personal data, its master key against its database (``pathways.security.privacy``); the service
repeats both as it starts, for whoever runs it with plain ``nameko run``.
"""
import os
import sys

EX_CONFIG = 78
USAGE = "usage: pathways-service MODULE:Class [--config FILE]"


def load_config(path):
    """The config file with the environment's values, as ``nameko run`` reads it."""
    import yaml
    from nameko.cli.main import setup_yaml_parser
    from pathways.errors import ConfigError
    if not os.path.isfile(path):
        raise ConfigError(f"config error: config file {path!r} does not exist")
    setup_yaml_parser()
    try:
        with open(path) as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as err:
        raise ConfigError(f"config error: {path} with the environment's values is not valid YAML "
                          f"({' '.join(str(err).split())})") from None


def check_before_start(cls, config, key_name="VAULT_MASTER_KEY"):
    """The checks a service's start would make, made first; ConfigError says what is wrong."""
    from pathways.operations.mongo import mongo_client
    from pathways.operations.settings import Settings
    from pathways.security.privacy import bind_master_key
    settings = getattr(cls, "settings", Settings).from_config(config, cls.name)
    if getattr(cls, "sealed_keys", None):
        keys_db = mongo_client(settings.mongo_uri)[f"{settings.mongo_db}_keys"]
        bind_master_key(keys_db, settings.vault_master_key, cls.sealed_keys, key_name)
    return settings


def _refuse(message):
    print(f"pathways-service: {message}", file=sys.stderr, flush=True)
    sys.exit(EX_CONFIG)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    path = os.environ.get("PATHWAYS_CONFIG", "/app/config.yaml")
    if "--config" in argv:
        at = argv.index("--config")
        path = argv[at + 1] if at + 1 < len(argv) else ""
        del argv[at:at + 2]
    if len(argv) != 1 or ":" not in argv[0] or not path:
        print(USAGE, file=sys.stderr)
        return 2
    import eventlet
    eventlet.monkey_patch()   # before pymongo and the services are imported, as nameko run does
    import logging.config
    from nameko.cli.run import import_service, run
    from pathways.errors import ConfigError
    if "." not in sys.path:
        sys.path.insert(0, ".")
    try:
        config = load_config(path)
        services = import_service(argv[0])
        for cls in services:
            check_before_start(cls, config)
    except ConfigError as err:
        _refuse(str(err))
    logging.config.dictConfig(config["LOGGING"]) if "LOGGING" in config else \
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    run(services, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
