#!/usr/bin/env bash
# Check the html form's pages with HTML Tidy (Debian's tidy package): the
# page of every golden/valid/*/input.*, written by `agentconv INPUT -t html`,
# and an index page of them all, written by html_index (tests/html_index.c,
# which calls the library-internal acp_html_index).
#
# usage: check_html.sh AGENTCONV HTML_INDEX GOLDEN_VALID_DIR
#
# A page passes when
#   - `tidy -q -e` reports no error, and no warning but these two, which
#     are valid HTML5 and come from the markdown of a prompt as written:
#       "trimming empty <X>": an element with no content, such as a fenced
#         code block with nothing in it or a heading with no text (tidy
#         would drop it; the page shows what the prompt holds);
#       '<a> attribute "href" lacks value': a link with an empty
#         destination, written so ("[x]()") or emptied by cmark's safe mode
#         (javascript:, vbscript:, file: and most data: links); an empty
#         URL is valid;
#   - it holds no <script> and no src= attribute: nothing runs, nothing is
#     loaded (text never holds a '<': it is escaped, so these are tags).
# Prints each failure, then "N passed, M failed"; exits 1 when a page
# failed or none was checked, 2 on a usage error.
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 AGENTCONV HTML_INDEX GOLDEN_VALID_DIR" >&2
    exit 2
fi
agentconv=$1
html_index=$2
golden=$3
if ! command -v tidy >/dev/null 2>&1; then
    echo "check_html: no tidy: install Debian's tidy package" \
        "(scripts/install-deps.sh)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
fail() { # $1 = page name, $2 = why
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

check_page() { # $1 = page file, $2 = its name in messages
    local page=$1 name=$2 report status=0 unexpected
    report=$(tidy -q -e "$page" 2>&1) || status=$?
    unexpected=$(printf '%s\n' "$report" | grep -v -e '^$' \
        -e ' - Warning: trimming empty <[a-z0-9]*>$' \
        -e ' - Warning: <a> attribute "href" lacks value$' || true)
    if [ "$status" -ge 2 ] || [ -n "$unexpected" ]; then
        fail "$name" "tidy (exit $status):"
        printf '%s\n' "$report" | sed 's/^/    /'
    elif grep -qi '<script' "$page"; then
        fail "$name" "holds a <script> element"
    elif grep -qiE '<[a-z][^<>]*[[:space:]]src=' "$page"; then
        fail "$name" "holds a src= attribute"
    else
        passed=$((passed + 1))
    fi
}

index_args=()
for input in "$golden"/*/input.*; do
    [ -f "$input" ] || continue
    name=$(basename "$(dirname "$input")")
    page=$tmp/$name.html
    if ! "$agentconv" -q "$input" -t html >"$page" 2>"$tmp/stderr"; then
        fail "$name" "agentconv failed: $(head -n 1 "$tmp/stderr")"
        continue
    fi
    check_page "$page" "$name.html"
    index_args+=("$name.html" "$input")
done

if [ ${#index_args[@]} -gt 0 ]; then
    if "$html_index" "${index_args[@]}" >"$tmp/index.html" 2>"$tmp/stderr"
    then
        check_page "$tmp/index.html" index.html
    else
        fail index.html "html_index failed: $(head -n 1 "$tmp/stderr")"
    fi
fi

echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
