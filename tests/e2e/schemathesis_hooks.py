"""schemathesis hooks for tests/e2e/test_fuzz.py (``SCHEMATHESIS_HOOKS``): two blind spots of
the tool's are set aside, nothing else.

1. A query parameter documented as an array travels as the parameter repeated (OpenAPI's form
style): ``?run_id=AAA`` is a one-item array on the wire. schemathesis calls a lone value of an
array parameter invalid and then reports the server for taking it; the value is put in its wire
form before the call, so that schemathesis judges what the server receives (it re-checks a case
a hook changed).

2. schemathesis 4.32's coverage phase makes header values of letters and digits only, so for an
optional header whose documented pattern needs another character (``Pathways-After:
placement=12`` needs ``=``) it has no valid value and puts a stand-in (``0``) into the cases that
vary the other parameters, while still calling those cases valid: positive_data_acceptance then
reports the 400 our server rightly gives the stand-in. The case's own record says which part was
made invalid; a "valid request rejected" whose record names an invalid part is dropped."""
import schemathesis
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData


@schemathesis.hook
def before_call(context, case, kwargs):
    if not case.query:
        return
    for parameter in case.operation.query:
        schema = parameter.definition.get("schema") or {}
        value = case.query.get(parameter.name)
        if schema.get("type") == "array" and value is not None and not isinstance(value, list):
            case.query[parameter.name] = [value]


@schemathesis.hook
def filter_failure(context, failure, case, response):
    meta = case.meta
    if isinstance(failure, RejectedPositiveData) and meta is not None and any(
            info.mode == GenerationMode.NEGATIVE for info in meta.components.values()):
        return False
    return True
