#!/usr/bin/env python3
"""Validate agent files in the json and yaml forms against the JSON Schema.

usage: validate_schema.py [--schema SCHEMA] [--expect-invalid] FILE...

Each FILE is read by its extension: .json with Python's json module, .yaml
or .yml with PyYAML (a stream of several documents is read as the list of
its documents: agentconv reads such a stream as a collection). Every file must be valid against SCHEMA
(default: schemas/agent.schema.json next to this script's directory); with
--expect-invalid every file must be rejected instead (the negative check:
it proves that the schema, and this test, can fail). Every *.schema.json
next to SCHEMA can be referred to by its $id ("$ref":
"urn:agentconv:schema:agent:1" in schemas/agents.schema.json, the schema of
collections).

Prints one line per file that does not do what is expected, then
"N passed, M failed". Exits 0 when every file did what was expected, 1 when
one did not, 2 on a usage error (no file given, a file that cannot be
read, a schema that is not a valid draft 2020-12 schema, or missing Python
modules: install Debian's python3-jsonschema and python3-yaml).
"""

import argparse
import json
import os
import sys

try:
    import jsonschema
    import yaml
except ImportError as exc:  # pragma: no cover - depends on the host
    sys.stderr.write(
        "validate_schema.py: %s (install python3-jsonschema and "
        "python3-yaml, e.g. with scripts/install-deps.sh)\n" % exc
    )
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, os.pardir, "schemas", "agent.schema.json")


def load(path):
    """The document in `path`, read by its extension; a YAML stream of
    several documents is the list of its documents."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8-sig")
    if path.endswith((".yaml", ".yml")):
        docs = list(yaml.safe_load_all(text))
        if len(docs) > 1:
            return docs
        return docs[0] if docs else None
    if path.endswith(".json"):
        return json.loads(text)
    raise ValueError("not a .json, .yaml or .yml file")


def make_validator(schema, schema_path):
    """A draft 2020-12 validator of `schema` to which every *.schema.json
    next to `schema_path` is known by its $id."""
    here = os.path.dirname(os.path.abspath(schema_path))
    store = {}
    for name in sorted(os.listdir(here)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(here, name), "rb") as f:
            other = json.loads(f.read().decode("utf-8"))
        if isinstance(other, dict) and "$id" in other:
            store[other["$id"]] = other
    try:  # jsonschema 4.18 and later
        import referencing

        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(doc))
            for uri, doc in store.items()
        )
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


def first_error(validator, doc):
    """The first validation error as "at /path: message", or None."""
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if not errors:
        return None
    err = errors[0]
    where = "/" + "/".join(str(p) for p in err.absolute_path)
    return "at %s: %s" % (where, err.message)


def main(argv):
    parser = argparse.ArgumentParser(
        description="Validate agent files against the agentconv JSON Schema."
    )
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    parser.add_argument(
        "--expect-invalid",
        action="store_true",
        help="every file must be rejected by the schema",
    )
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if not args.files:
        sys.stderr.write("validate_schema.py: no file to validate\n")
        return 2

    try:
        with open(args.schema, "rb") as f:
            schema = json.loads(f.read().decode("utf-8"))
        validator_class = jsonschema.Draft202012Validator
        validator_class.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as exc:
        sys.stderr.write("validate_schema.py: %s: %s\n" % (args.schema, exc))
        return 2
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        sys.stderr.write(
            "validate_schema.py: %s: not a draft 2020-12 schema\n" % args.schema
        )
        return 2
    try:
        validator = make_validator(schema, args.schema)
    except (OSError, ValueError) as exc:
        sys.stderr.write("validate_schema.py: %s: %s\n" % (args.schema, exc))
        return 2

    passed = failed = 0
    for path in args.files:
        try:
            doc = load(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            print("FAIL %s: cannot read: %s" % (path, exc))
            failed += 1
            continue
        problem = first_error(validator, doc)
        if args.expect_invalid:
            if problem is None:
                print("FAIL %s: valid, but expected to be rejected" % path)
                failed += 1
            else:
                print("rejected as expected: %s %s" % (path, problem))
                passed += 1
        elif problem is not None:
            print("FAIL %s: %s" % (path, problem))
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
