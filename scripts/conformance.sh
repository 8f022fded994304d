#!/usr/bin/env bash
# Conformance over a directory of real agent files (a tool, not a test).
#
# usage: scripts/conformance.sh [-b AGENTCONV] [-d DIALECT] [-l] DIR...
#
# Every markdown file under each DIR (*.md, any depth, so *.agent.md and
# *.chatmode.md too) is read with the built agentconv as md and sorted into
# one of three piles:
#   read strictly   converted to md with no recovery warning (a warning that
#                   YAML comments are dropped is not a recovery: the files
#                   read, strictly or not, with one are counted on a line of
#                   their own);
#   recovered       converted, with a warning that is not the comment
#                   warning: the front matter was not valid YAML and was read
#                   the way Claude Code reads it (docs/recovery.md);
#   rejected        not converted; the reasons are grouped (numbers in a
#                   message are shown as N).
# Every file that reads is checked with `agentconv --check` (the schema's
# rules; -d claude adds Claude Code's, default: by the file's folder), and
# the files with a check error are counted, their errors grouped.
# Every file that reads is also converted to each other form and back,
# md -> F -> md for F in json, yaml, xml, and the result compared byte for
# byte with the direct md -> md output; a difference is listed.
#
# Prints a short table, then the groups. With -l also one line per file:
# "strict|recovered|rejected PATH". Exit status: 0, or 1 when a round trip
# differs (always a bug), 2 on a usage error. Needs only bash, find, cmp,
# sort and the agentconv binary: -b, else $AGENTCONV, else build/agentconv
# in the source tree. docs/conformance.md has the numbers for
# ../shared/corpus.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${AGENTCONV:-$here/build/agentconv}
list=0
dialect=()

usage() {
    echo "usage: $0 [-b AGENTCONV] [-d DIALECT] [-l] DIR..." >&2
    exit 2
}

while getopts "b:d:lh" opt; do
    case $opt in
    b) bin=$OPTARG ;;
    d) dialect=(--from-dialect "$OPTARG") ;;
    l) list=1 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
if [ ! -x "$bin" ]; then
    echo "conformance: $bin: not an executable (build agentconv first, or pass -b)" >&2
    exit 2
fi
for dir in "$@"; do
    if [ ! -d "$dir" ]; then
        echo "conformance: $dir: not a directory" >&2
        exit 2
    fi
done

export LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-conformance.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

forms=(json yaml xml)
found=0 strict=0 comments=0 recovered=0 rejected=0 differs=0 failed_check=0
: >"$tmp/rejected"   # reason <TAB> path:line:col
: >"$tmp/recovered"  # kind <TAB> path:line:col
: >"$tmp/differs"    # path <TAB> forms
: >"$tmp/checked"    # message <TAB> path:line:col

# The message of a diagnostic line "path:line[:col]: level: message".
message_of() {
    sed -E 's/^.*:[0-9]+(:[0-9]+)?: (error|warning): //; s/^[^:]*: (error|warning): //'
}
# Where a diagnostic line points: "path:line[:col]".
where_of() {
    sed -E 's/: (error|warning): .*$//'
}

while IFS= read -r -d '' file; do
    found=$((found + 1))
    "$bin" -t md -- "$file" >"$tmp/direct.md" 2>"$tmp/direct.err"
    code=$?
    if [ "$code" != 0 ]; then
        rejected=$((rejected + 1))
        line=$(grep -m1 ': error: ' "$tmp/direct.err" || head -n1 "$tmp/direct.err")
        reason=$(printf '%s\n' "$line" | message_of | sed -E 's/[0-9]+/N/g')
        printf '%s\t%s\n' "$reason" "$(printf '%s\n' "$line" | where_of)" >>"$tmp/rejected"
        [ "$list" = 1 ] && printf 'rejected %s\n' "$file"
        continue
    fi
    # Recoveries: every warning but the dropped-comments one.
    if grep -Eq ': warning: [0-9]+ YAML comments? (is|are) dropped' "$tmp/direct.err"; then
        comments=$((comments + 1))
    fi
    grep ': warning: ' "$tmp/direct.err" |
        grep -Ev ': warning: [0-9]+ YAML comments? (is|are) dropped' >"$tmp/recovery" || true
    if [ -s "$tmp/recovery" ]; then
        recovered=$((recovered + 1))
        while IFS= read -r line; do
            # The kind: the message up to its first parenthesis group, or
            # up to its first colon: '"description" is not valid YAML (an
            # unquoted ': ')'.
            kind=$(printf '%s\n' "$line" | message_of |
                sed -E 's/^([^(:]*(\([^)]*\))?).*$/\1/; s/[0-9]+/N/g')
            printf '%s\t%s\n' "$kind" "$(printf '%s\n' "$line" | where_of)" >>"$tmp/recovered"
        done <"$tmp/recovery"
        [ "$list" = 1 ] && printf 'recovered %s\n' "$file"
    else
        strict=$((strict + 1))
        [ "$list" = 1 ] && printf 'strict %s\n' "$file"
    fi
    # --check: a file with an error counts once, each error in its group.
    if ! "$bin" --check -q "${dialect[@]}" -- "$file" 2>"$tmp/check.err"; then
        failed_check=$((failed_check + 1))
        grep ': error: ' "$tmp/check.err" | while IFS= read -r line; do
            printf '%s\t%s\n' "$(printf '%s\n' "$line" | message_of |
                sed -E 's/"[^"]*"$/"..."/; s/[0-9]+/N/g')" \
                "$(printf '%s\n' "$line" | where_of)"
        done >>"$tmp/checked"
    fi
    # md -> F -> md against md -> md.
    bad=""
    for form in "${forms[@]}"; do
        if ! "$bin" -q -t "$form" -- "$file" >"$tmp/via.$form" 2>/dev/null ||
            ! "$bin" -q -f "$form" -t md -- "$tmp/via.$form" >"$tmp/back.md" 2>/dev/null ||
            ! cmp -s "$tmp/direct.md" "$tmp/back.md"; then
            bad="$bad $form"
        fi
    done
    if [ -n "$bad" ]; then
        differs=$((differs + 1))
        printf '%s\t%s\n' "$file" "${bad# }" >>"$tmp/differs"
    fi
done < <(find "$@" -type f -name '*.md' -print0 | sort -z)

read_ok=$((strict + recovered))
echo "agentconv conformance: $* ($("$bin" --version))"
echo
printf '%-36s %6d\n' "markdown files found" "$found"
printf '%-36s %6d\n' "read strictly" "$strict"
printf '%-36s %6d\n' "recovered (read with a warning)" "$recovered"
printf '%-36s %6d\n' "rejected" "$rejected"
printf '%-36s %6d\n' "read with YAML comments dropped" "$comments"
printf '%-36s %6d\n' "with a --check error (of $read_ok read)" "$failed_check"
printf '%-36s %6d\n' "round trip differs (of $read_ok read)" "$differs"

# group FILE TITLE: "count  key" per key, most frequent first, with up to
# three places each.
group() {
    [ -s "$1" ] || return 0
    echo
    echo "$2"
    cut -f1 "$1" | sort | uniq -c | sort -k1,1nr -k2 | while read -r count key; do
        printf '%6d  %s\n' "$count" "$key"
        awk -F '\t' -v k="$key" '$1 == k { print "          " $2 }' "$1" | head -n 3
        [ "$count" -gt 3 ] && printf '          ... and %d more\n' $((count - 3))
    done
}
group "$tmp/rejected" "rejected, by reason:"
group "$tmp/recovered" "recoveries, by kind (one file may have several):"
group "$tmp/checked" "--check errors, by message:"
if [ -s "$tmp/differs" ]; then
    echo
    echo "round trip differs (md -> FORM -> md is not md -> md):"
    while IFS=$'\t' read -r file bad; do
        printf '        %s: %s\n' "$file" "$bad"
    done <"$tmp/differs"
fi
[ "$differs" = 0 ]
