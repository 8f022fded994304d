#!/usr/bin/env bash
# Source rules that a compiler does not check (curl's CHECKSRC in spirit):
# - no banned function anywhere in src/ (strcpy, strcat, sprintf, vsprintf,
#   strtok, atoi, atol, atof, sscanf, gets);
# - library code (src/ except src/cli/) never exits, aborts or prints:
#   no exit, abort, printf, fprintf, puts, fputs, perror, putchar;
# - no process-wide hook in a dependency (FORMATS.md): no
#   xmlSetStructuredErrorFunc, xmlSetGenericErrorFunc, their xmlThrDef
#   twins, xmlMemSetup, xmlGcMemSetup, xmlSetExternalEntityLoader,
#   xmlCleanupParser, libxml2's *Default setters (xmlKeepBlanksDefault,
#   ...), input/output callback registration, json_set_alloc_funcs,
#   json_object_seed, setlocale; and no other process-wide setting a host
#   owns: umask, signal, sigaction, atexit, setenv, putenv (a library must
#   leave them to the program);
# - no assignment to libxml2's per-thread output settings
#   (xmlIndentTreeOutput, xmlSaveNoEmptyTags, xmlTreeIndentString): they
#   are the host thread's.
# Prints each offending line as path:line: text and exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."

status=0
report() { # $1 = what, $2 = pattern, rest = files
    local what=$1 pattern=$2
    shift 2
    local hits
    # Strip // and /* */ comment text on the line before matching, roughly:
    # a mention in a comment is not a call.
    hits=$(grep -nE "$pattern" "$@" | grep -vE ':[0-9]+:\s*(\*|/\*|//)' || true)
    if [ -n "$hits" ]; then
        printf '%s\n' "$hits" | sed "s/\$/   <- $what/"
        status=1
    fi
}

all_src=$(find src -name '*.[ch]' | sort)
lib_src=$(find src -name '*.[ch]' -not -path 'src/cli/*' | sort)

# shellcheck disable=SC2086 # word splitting of the file lists is meant
report "banned function" \
    '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atof|sscanf|gets)\s*\(' \
    $all_src
# shellcheck disable=SC2086
report "library code must not exit, abort or print" \
    '\b(exit|abort|printf|fprintf|puts|fputs|perror|putchar)\s*\(' $lib_src
# shellcheck disable=SC2086
report "no process-wide hooks in dependencies" \
    '\b(xmlSetStructuredErrorFunc|xmlSetGenericErrorFunc|xmlThrDefSet\w*|xmlMemSetup|xmlGcMemSetup|xmlSetExternalEntityLoader|xmlCleanup\w*|xml\w+Default|xmlRegister\w*Callbacks|xmlPopInputCallbacks|json_set_alloc_funcs|json_object_seed|setlocale)\s*\(' \
    $lib_src
# shellcheck disable=SC2086
report "process-wide settings belong to the program" \
    '\b(umask|signal|sigaction|atexit|setenv|putenv)\s*\(' $lib_src
# shellcheck disable=SC2086
report "libxml2's per-thread settings belong to the host's thread" \
    '\b(xmlIndentTreeOutput|xmlSaveNoEmptyTags|xmlTreeIndentString)\s*=[^=]' \
    $lib_src

if [ $status -eq 0 ]; then
    echo "check-source: $(echo "$all_src" | wc -l) files clean"
fi
exit $status
