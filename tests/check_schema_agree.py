#!/usr/bin/env python3
"""Prove that `agentconv --check` and a real JSON Schema validator agree.

usage: check_schema_agree.py --agentconv BIN [--schema SCHEMA]
                             [--collection-schema SCHEMA] FILE...

For every FILE (a .json, .yaml or .yml agent document, or a collection of
them), two verdicts:

- the schema's: the file is valid against SCHEMA (default:
  schemas/agent.schema.json) per Python's jsonschema (draft 2020-12), or,
  when its top level is a list (a JSON array, a YAML sequence, or a YAML
  stream of several documents: what agentconv reads as a collection),
  against the collection schema (default: schemas/agents.schema.json); the
  file is read with Python's json module or PyYAML (as validate_schema.py
  reads it);
- agentconv's: `BIN --check --from-dialect none FILE` exits 0 (valid) or 1
  (invalid: a read error, as for a top level that is not an object or
  instructions that are not a string, or a check error). Any other exit
  status, or an exit 1 without a diagnostic line, is a failure.

They must agree. Prints one line per file that disagrees, then
"N passed, M failed"; exits 0 when every file agrees, 1 when one does not,
2 on a usage error (no file, a schema that cannot be loaded, or missing
Python modules: install Debian's python3-jsonschema and python3-yaml).

Run by ctest as schema.agree over every golden/valid/*/expected.json and
expected.yaml, tests/schema/valid/* and tests/schema/invalid/*.
"""

import argparse
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as exc:  # pragma: no cover - depends on the host
    sys.stderr.write(
        "check_schema_agree.py: %s (install python3-jsonschema and "
        "python3-yaml, e.g. with scripts/install-deps.sh)\n" % exc
    )
    sys.exit(2)

from validate_schema import load, make_validator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, os.pardir, "schemas", "agent.schema.json")
DEFAULT_COLLECTION_SCHEMA = os.path.join(
    HERE, os.pardir, "schemas", "agents.schema.json"
)

# One diagnostic line of agentconv: path:line[:column]: error|warning: text
DIAGNOSTIC = re.compile(r"^.+?:[0-9]+(:[0-9]+)?: (error|warning): \S.*$")


def schema_verdict(validators, path):
    """(valid, why): the JSON Schema's verdict on the file: the collection
    schema's for a list at the top level, the agent schema's otherwise."""
    try:
        doc = load(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return False, "cannot be read: %s" % exc
    validator = validators[1] if isinstance(doc, list) else validators[0]
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if not errors:
        return True, "valid"
    err = errors[0]
    where = "/" + "/".join(str(p) for p in err.absolute_path)
    return False, "at %s: %s" % (where, err.message)


def agentconv_verdict(binary, path):
    """(valid, why) from `agentconv --check`, or (None, why) when the run
    itself is wrong (an unexpected exit status or stderr)."""
    run = subprocess.run(
        [binary, "--check", "--from-dialect", "none", path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, LC_ALL="C"),
    )
    out = run.stdout.decode("utf-8", "replace")
    lines = run.stderr.decode("utf-8", "replace").splitlines()
    diagnostics = [l for l in lines if DIAGNOSTIC.match(l)]
    summary = [l for l in lines if l.startswith("agentconv: checked ")]
    if out:
        return None, "wrote to stdout"
    if len(summary) != 1 or len(diagnostics) + 1 != len(lines):
        return None, "unexpected stderr: %r" % lines
    if run.returncode == 0:
        return True, "exit 0"
    if run.returncode == 1:
        errors = [l for l in diagnostics if ": error: " in l]
        if not errors:
            return None, "exit 1 without an error line"
        return False, errors[0]
    return None, "exit %d: %r" % (run.returncode, lines)


def main(argv):
    parser = argparse.ArgumentParser(
        description="Compare agentconv --check with a JSON Schema validator."
    )
    parser.add_argument("--agentconv", required=True)
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    parser.add_argument("--collection-schema", default=DEFAULT_COLLECTION_SCHEMA)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if not args.files:
        sys.stderr.write("check_schema_agree.py: no file to compare\n")
        return 2
    validators = []
    for path in (args.schema, args.collection_schema):
        try:
            with open(path, "rb") as f:
                schema = json.loads(f.read().decode("utf-8"))
            jsonschema.Draft202012Validator.check_schema(schema)
            validators.append(make_validator(schema, path))
        except (OSError, ValueError, jsonschema.SchemaError) as exc:
            sys.stderr.write("check_schema_agree.py: %s: %s\n" % (path, exc))
            return 2

    passed = failed = valid = 0
    for path in args.files:
        want, why_schema = schema_verdict(validators, path)
        got, why_check = agentconv_verdict(args.agentconv, path)
        if got is None:
            print("FAIL %s: agentconv --check: %s" % (path, why_check))
            failed += 1
        elif got != want:
            print(
                "FAIL %s: the schema says %s (%s), agentconv --check says %s "
                "(%s)"
                % (
                    path,
                    "valid" if want else "invalid",
                    why_schema,
                    "valid" if got else "invalid",
                    why_check,
                )
            )
            failed += 1
        else:
            passed += 1
            valid += 1 if want else 0
    print(
        "%d passed, %d failed (%d valid, %d invalid documents)"
        % (passed, failed, valid, passed - valid)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
