# A small, strict JSON reader for busybox awk (the guest has no other JSON tool).
#
#   awk -f json.awk FILE                 every scalar as PATH<TAB>VALUE, one per line;
#                                        VALUE has \ newline tab CR written as \\ \n \t \r
#   awk -f json.awk -v get=PATH FILE     the decoded value at PATH (exit 1 when absent)
#   awk -f json.awk -v each=REGEX FILE   the decoded value of every scalar whose PATH matches
#                                        REGEX, line by line: each line of a value trimmed,
#                                        empty lines left out
#
# A PATH joins object keys and array indexes with "/": "uuid", "public_keys/mykey",
# "keys/0/data", "networks/1/routes/0/gateway".  "/", tab and newline inside a key become "_".
# Strings are decoded (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs, to UTF-8); null is
# the empty string; numbers, true and false are kept as written.  Invalid JSON: a message on
# stderr and exit 2.  The reader is byte-oriented, so UTF-8 text passes through unchanged.

{ text = text $0 "\n" }

END {
    n = length(text)
    pos = 1
    if (substr(text, 1, 3) == "\357\273\277")
        pos = 4
    mode = (get != "") ? "get" : ((each != "") ? "each" : "list")
    found = 0
    if (!parse_value(""))
        exit 2
    skip_ws()
    if (pos <= n) {
        fail("trailing data")
        exit 2
    }
    if (mode == "get") {
        if (!found)
            exit 1
        printf "%s", got
    }
    exit 0
}

function fail(msg) {
    if (!failed)
        printf "json.awk: %s at byte %d\n", msg, pos > "/dev/stderr"
    failed = 1
    return 0
}

function skip_ws(   c) {
    while (pos <= n) {
        c = substr(text, pos, 1)
        if (c != " " && c != "\t" && c != "\n" && c != "\r")
            break
        pos++
    }
}

function join(path, key) {
    gsub("[/\t\n]", "_", key)
    return (path == "") ? key : path "/" key
}

function emit(path, value,   v, k, i, lines) {
    if (mode == "get") {
        if (path == get) {
            got = value
            found = 1
        }
    } else if (mode == "each") {
        if (path ~ each) {
            k = split(value, lines, /\r?\n/)
            for (i = 1; i <= k; i++) {
                v = lines[i]
                sub(/^[ \t\r]+/, "", v)
                sub(/[ \t\r]+$/, "", v)
                if (v != "")
                    print v
            }
        }
    } else {
        v = value
        gsub(/\\/, "\\\\", v)
        gsub(/\n/, "\\n", v)
        gsub(/\t/, "\\t", v)
        gsub(/\r/, "\\r", v)
        print path "\t" v
    }
}

function parse_value(path,   c, s) {
    skip_ws()
    c = substr(text, pos, 1)
    if (c == "{")
        return parse_object(path)
    if (c == "[")
        return parse_array(path)
    if (c == "\"") {
        s = parse_string()
        if (failed)
            return 0
        emit(path, s)
        return 1
    }
    if (match(substr(text, pos, 64), /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)/)) {
        s = substr(text, pos, RLENGTH)
        pos += RLENGTH
        emit(path, (s == "null") ? "" : s)
        return 1
    }
    return fail(c == "" ? "unexpected end of input" : "unexpected character")
}

function parse_object(path,   c, key) {
    pos++
    skip_ws()
    if (substr(text, pos, 1) == "}") {
        pos++
        return 1
    }
    while (1) {
        skip_ws()
        if (substr(text, pos, 1) != "\"")
            return fail("expected a key")
        key = parse_string()
        if (failed)
            return 0
        skip_ws()
        if (substr(text, pos, 1) != ":")
            return fail("expected ':'")
        pos++
        if (!parse_value(join(path, key)))
            return 0
        skip_ws()
        c = substr(text, pos, 1)
        pos++
        if (c == "}")
            return 1
        if (c != ",")
            return fail("expected ',' or '}'")
    }
}

function parse_array(path,   c, i) {
    pos++
    skip_ws()
    if (substr(text, pos, 1) == "]") {
        pos++
        return 1
    }
    for (i = 0; ; i++) {
        if (!parse_value(join(path, i)))
            return 0
        skip_ws()
        c = substr(text, pos, 1)
        pos++
        if (c == "]")
            return 1
        if (c != ",")
            return fail("expected ',' or ']'")
    }
}

# parse_string: pos is on the opening quote; returns the decoded string.
function parse_string(   out, start, c, e, code, low) {
    pos++
    out = ""
    while (1) {
        start = pos
        while (pos <= n) {
            c = substr(text, pos, 1)
            if (c == "\"" || c == "\\")
                break
            pos++
        }
        out = out substr(text, start, pos - start)
        if (pos > n)
            return fail("unterminated string")
        if (c == "\"") {
            pos++
            return out
        }
        e = substr(text, pos + 1, 1)
        if (e == "\"" || e == "\\" || e == "/") out = out e
        else if (e == "n") out = out "\n"
        else if (e == "t") out = out "\t"
        else if (e == "r") out = out "\r"
        else if (e == "b") out = out "\b"
        else if (e == "f") out = out "\f"
        else if (e == "u") {
            code = hex4(substr(text, pos + 2, 4))
            if (code < 0)
                return fail("bad \\u escape")
            pos += 4
            if (code >= 55296 && code < 56320 && substr(text, pos + 2, 2) == "\\u") {
                low = hex4(substr(text, pos + 4, 4))
                if (low >= 56320 && low < 57344) {
                    code = 65536 + (code - 55296) * 1024 + (low - 56320)
                    pos += 6
                }
            }
            out = out utf8(code)
        } else
            return fail("bad escape")
        pos += 2
    }
}

function hex4(h,   i, d, v) {
    if (length(h) != 4)
        return -1
    v = 0
    for (i = 1; i <= 4; i++) {
        d = index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
        if (d < 0)
            return -1
        v = v * 16 + d
    }
    return v
}

# utf8: the UTF-8 bytes of a code point (NUL and lone surrogates become U+FFFD).
function utf8(c) {
    if (c == 0 || (c >= 55296 && c < 57344))
        c = 65533
    if (c < 128)
        return sprintf("%c", c)
    if (c < 2048)
        return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
    if (c < 65536)
        return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
    return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64,
                   128 + int(c / 64) % 64, 128 + c % 64)
}
