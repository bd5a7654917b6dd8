"""``pathways check-config``: every service's configuration checked before any of them starts.

Docker Compose runs it once (the ``preflight`` service) and starts the services only if it
exits 0, so that a bad setting stops the bring-up with the error, not a service in a restart
loop. Each service's config is read exactly as ``pathways-service`` reads it (the same file with
nameko's environment substitution) and checked by the same checks: the service's settings and,
where it seals personal data, its master key against its database.

A service is named ``NAME`` or ``NAME:KEY=VARIABLE,...`` where the deployment gives a service a
key from a variable of another name (employer's VAULT_MASTER_KEY is EMPLOYER_VAULT_MASTER_KEY).
"""
import importlib
import os

from pathways.errors import ConfigError
from ops.serve import check_before_start, load_config

SERVICES = {"intake": "services.intake.service:IntakeService",
            "employer": "services.employer.service:EmployerService",
            "placement": "services.placement.service:PlacementService",
            "reporting": "services.reporting.service:ReportingService",
            "notify": "services.notify.service:NotifyService",
            "workbench": "services.workbench.service:WorkbenchService"}


def service_class(name):
    if name not in SERVICES:
        raise ConfigError(f"config error: no service {name!r} (one of {', '.join(SERVICES)})")
    module, _, cls = SERVICES[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def config_under(path, environ):
    """The config file as a service sees it under ``environ``."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        return load_config(path)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check_service(spec, path, environ):
    """One service's settings and master key; ConfigError with what is wrong."""
    name, _, renames = spec.partition(":")
    renamed = dict(pair.partition("=")[::2] for pair in filter(None, renames.split(",")))
    env = {k: v for k, v in environ.items() if k not in renamed}
    env.update({key: environ[var] for key, var in renamed.items() if var in environ})
    try:
        check_before_start(service_class(name), config_under(path, env),
                           renamed.get("VAULT_MASTER_KEY", "VAULT_MASTER_KEY"))
    except ConfigError as err:
        told = "; ".join(f"{key} is {var} here" for key, var in renamed.items())
        raise ConfigError(f"{err} ({told})" if told else str(err)) from None


def check(specs, path, environ):
    """Every service checked; what is wrong with each (an empty list: all good)."""
    problems = []
    for spec in specs:
        try:
            check_service(spec, path, environ)
        except ConfigError as err:
            problems.append(str(err))
    return problems
