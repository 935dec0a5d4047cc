# grading/stub.awk -- replaces the bodies of some functions of a C file with TODO stubs
# (run by grading/handout).
#
#   awk -f stub.awk -v functions="main write_all" -v status=86 FILE.c > STUBBED.c
#
# A function is found as this repository writes them: its definition starts at
# column 0, its body ends with a '}' at column 0. Its signature and the comment
# above it stay; its body becomes
#     (void)param;                       for each parameter
#     fprintf(stderr, "PROGRAM: TODO: implement NAME (see README.md)\n");
#     exit(STATUS);
# A static function or file-scope static variable that nothing uses any more
# (a helper of a removed body) gets a "(void)NAME;" line in a stub that is
# used, so that the file still compiles without a warning; <stdio.h> and
# <stdlib.h> are included if they were not. Exits 1 if a function is missing.

BEGIN {
    wanted_count = split(functions, wanted, " ")
    for (i = 1; i <= wanted_count; i++)
        is_wanted[wanted[i]] = 1
    program = ARGV[1]
    sub(/.*\//, "", program)
    sub(/\.[ch]$/, "", program)
}

{ line[NR] = $0 }

END {
    lines = NR
    find_definitions()
    for (i = 1; i <= wanted_count; i++)
        if (!(wanted[i] in def_start)) {
            printf "handout: %s: no function %s (at column 0, ending with } at column 0)\n", ARGV[1], wanted[i] > "/dev/stderr"
            exit 1
        }
    build_output()
    find_unused()
    emit()
}

# ---------------------------------------------------------------- parsing

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

# Fills def_start[name], def_brace[name], def_end[name], def_static[name],
# def_params[name] (the parameter names, space-separated) and the static
# file-scope variables var_line[name].
function find_definitions(   i, j, header, name, depth) {
    depth = 0
    for (i = 1; i <= lines; i++) {
        if (line[i] !~ /^[A-Za-z_]/)
            continue
        header = ""
        for (j = i; j <= lines; j++) {
            header = header " " line[j]
            if (line[j] ~ /^\{/ || line[j] ~ /\{[ \t]*$/ || line[j] ~ /;[ \t]*$/)
                break
        }
        if (header ~ /\(/ && header !~ /=[^(]*\(/ && line[j] !~ /;[ \t]*$/) {
            name = function_name(header)
            def_start[name] = i
            def_brace[name] = j
            for (j = j + 1; j <= lines && line[j] !~ /^\}/; j++)
                ;
            def_end[name] = j
            def_static[name] = header ~ /^ static[ \t]/
            def_params[name] = parameters(header, name)
            i = j
        } else if (line[i] ~ /^static[ \t]/ && line[i] !~ /^static[^=;]*\(/) {
            name = line[i]
            sub(/[=;].*/, "", name)
            sub(/\[.*/, "", name)
            name = trim(name)
            sub(/.*[^A-Za-z0-9_]/, "", name)
            var_line[name] = i
            i = j
        } else {
            i = j
        }
    }
}

# The identifier just before the first '(' of a signature.
function function_name(header,   name) {
    name = substr(header, 1, index(header, "(") - 1)
    name = trim(name)
    sub(/.*[^A-Za-z0-9_]/, "", name)
    return name
}

# The names of the parameters in a signature, space-separated.
function parameters(header, name,   text, depth, i, c, list, count, part, p, names) {
    text = substr(header, index(header, name "(") + length(name) + 1)
    depth = 1
    list = ""
    for (i = 1; i <= length(text) && depth > 0; i++) {
        c = substr(text, i, 1)
        if (c == "(")
            depth++
        else if (c == ")")
            depth--
        if (depth == 1 && c == ",")
            c = "\001"
        if (depth > 0)
            list = list c
    }
    count = split(list, part, "\001")
    names = ""
    for (p = 1; p <= count; p++) {
        c = trim(part[p])
        if (c == "void" || c == "..." || c == "")
            continue
        if (index(c, "(*") > 0) {                       # int (*handler)(int)
            c = substr(c, index(c, "(*") + 2)
            sub(/[^A-Za-z0-9_].*/, "", c)
        } else {
            sub(/(\[[^]]*\][ \t]*)+$/, "", c)           # char *argv[]
            sub(/.*[^A-Za-z0-9_]/, "", c)
        }
        names = names " " c
    }
    return substr(names, 2)
}

# ---------------------------------------------------------------- stubbing

# out[1..outs]: the new file, owner[k] the function or variable that line k
# defines, stub_at[name] the index after which a stub's helper references go.
function build_output(   i, name, k, count, params, p, has_stdio, has_stdlib, last_include) {
    for (i = 1; i <= lines; i++) {
        if (line[i] ~ /^#include[ \t]*<stdio\.h>/)
            has_stdio = 1
        if (line[i] ~ /^#include[ \t]*<stdlib\.h>/)
            has_stdlib = 1
        if (line[i] ~ /^#include/)
            last_include = i
    }
    outs = 0
    for (i = 1; i <= lines; i++) {
        out[++outs] = line[i]
        owner[outs] = ""
        if (i == last_include) {
            if (!has_stdio)
                out[++outs] = "#include <stdio.h>"
            if (!has_stdlib)
                out[++outs] = "#include <stdlib.h>"
        }
        for (name in var_line)
            if (var_line[name] == i)
                owner[outs] = name
        for (name in def_start) {
            if (def_start[name] != i)
                continue
            owner[outs] = name
            for (k = i + 1; k <= def_brace[name]; k++) {
                out[++outs] = line[k]
                owner[outs] = name
            }
            if (name in is_wanted) {
                count = split(def_params[name], params, " ")
                for (p = 1; p <= count; p++) {
                    out[++outs] = "    (void)" params[p] ";"
                    owner[outs] = name
                }
                stub_at[name] = outs
                out[++outs] = "    fprintf(stderr, \"" program ": TODO: implement " name " (see README.md)\\n\");"
                owner[outs] = name
                out[++outs] = "    exit(" status ");"
                owner[outs] = name
                out[++outs] = "}"
                owner[outs] = name
            } else {
                for (k = def_brace[name] + 1; k <= def_end[name]; k++) {
                    out[++outs] = line[k]
                    owner[outs] = name
                }
            }
            i = def_end[name]
        }
    }
}

# Sets unused[name] for every static function and variable that no line
# outside its own definition mentions (comments and strings do not count).
function find_unused(   k, code, name, rest) {
    in_comment = 0
    for (k = 1; k <= outs; k++) {
        code = strip(out[k])
        while (match(code, /[A-Za-z_][A-Za-z0-9_]*/)) {
            name = substr(code, RSTART, RLENGTH)
            rest = substr(code, RSTART + RLENGTH)
            code = rest
            if (name == owner[k])
                continue
            if (out[k] ~ /^static[^=]*\(.*\)[ \t]*;[ \t]*$/ && function_name(out[k]) == name)
                continue                                # a prototype is no use
            mentioned[name] = 1
        }
    }
    for (name in def_start)
        if (def_static[name] && !(name in mentioned))
            unused[name] = 1
    for (name in var_line)
        if (!(name in mentioned))
            unused[name] = 1
}

# A line of C without its comments, string and character literals
# (in_comment carries a /* comment */ over to the next line).
function strip(s,   r, c, q) {
    r = ""
    while (s != "") {
        if (in_comment) {
            if (!index(s, "*/"))
                return r
            s = substr(s, index(s, "*/") + 2)
            in_comment = 0
            continue
        }
        c = substr(s, 1, 1)
        if (substr(s, 1, 2) == "/*") {
            in_comment = 1
            s = substr(s, 3)
        } else if (substr(s, 1, 2) == "//") {
            return r
        } else if (c == "\"" || c == "'") {
            q = c
            s = substr(s, 2)
            while (s != "" && substr(s, 1, 1) != q)
                s = substr(s, 1, 1) == "\\" ? substr(s, 3) : substr(s, 2)
            s = substr(s, 2)
            r = r " "
        } else {
            r = r c
            s = substr(s, 2)
        }
    }
    return r
}

# Prints the new file, with the references to unused helpers in main's stub,
# or else in the first stub of a function that is itself used.
function emit(   host, i, name, k, first) {
    host = ""
    if ("main" in stub_at)
        host = "main"
    for (i = 1; i <= wanted_count && host == ""; i++)
        if (!(wanted[i] in unused))
            host = wanted[i]
    for (k = 1; k <= outs; k++) {
        print out[k]
        if (host != "" && k == stub_at[host]) {
            first = 1
            for (i = 1; i <= lines; i++) {              # in the file's order
                for (name in unused) {
                    if (def_start[name] != i && var_line[name] != i)
                        continue
                    if (first)
                        print "    /* Not used until you write the code that calls them: */"
                    first = 0
                    print "    (void)" name ";"
                }
            }
        }
    }
}
