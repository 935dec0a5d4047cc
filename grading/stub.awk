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

# Fills def_start[name], def_brace[name] (the line of its opening brace),
# def_end[name], def_static[name], def_params[name] (the parameter names,
# space-separated), one_line[name] for a function written on one line, and
# the static file-scope variables var_line[name]. Reads code[], the lines
# without their comments and strings.
function find_definitions(   i, j, header, name) {
    in_comment = 0
    for (i = 1; i <= lines; i++)
        code[i] = strip(line[i])
    for (i = 1; i <= lines; i++) {
        if (code[i] !~ /^[A-Za-z_]/)
            continue
        if (code[i] ~ /^[^=;{]*\([^;{]*\{.*\}[ \t]*$/) {      # void f(int x) { ... }
            name = function_name(code[i])
            def_start[name] = def_brace[name] = def_end[name] = i
            one_line[name] = 1
            def_static[name] = code[i] ~ /^static[ \t]/
            def_params[name] = parameters(code[i], name)
            continue
        }
        header = ""
        for (j = i; j <= lines; j++) {
            header = header " " code[j]
            if (code[j] ~ /^\{/ || code[j] ~ /\{[ \t]*$/ || code[j] ~ /;[ \t]*$/)
                break
        }
        if (header ~ /\(/ && header !~ /=[^(]*\(/ && code[j] !~ /;[ \t]*$/) {
            name = function_name(header)
            def_start[name] = i
            def_brace[name] = j
            for (j = j + 1; j <= lines && code[j] !~ /^\}/; j++)
                ;
            def_end[name] = j
            def_static[name] = header ~ /^ static[ \t]/
            def_params[name] = parameters(header, name)
        } else if (code[i] ~ /^static[ \t]/ && (code[i] !~ /^static[^=;]*\(/ || code[i] ~ /^static[^=;(]*\(\*/)) {
            if (code[i] ~ /\{[ \t]*$/ && code[i] !~ /=/) {  # static struct { ... } name;
                for (j = i + 1; j <= lines && code[j] !~ /^\}/; j++)
                    ;
                declarators(substr(code[j], 2), i, j)
            } else {
                declarators(code[i], i, j)
            }
        }
        i = j
    }
}

# Records each variable that a declaration (from line first to line last)
# declares: "static int a = 1, b[2] = {3, 4};" declares a and b,
# "static void (*f)(int) = g;" declares f.
function declarators(text, first, last,   depth, k, c, part, name) {
    depth = 0
    part = ""
    for (k = 1; k <= length(text) + 1; k++) {
        c = substr(text, k, 1)
        if (c == "(" || c == "[" || c == "{")
            depth++
        else if (c == ")" || c == "]" || c == "}")
            depth--
        if ((depth == 0 && (c == "," || c == ";")) || c == "") {
            name = part
            sub(/=.*/, "", name)
            if (index(name, "(*")) {                    # void (*handler)(int)
                name = substr(name, index(name, "(*") + 2)
                sub(/\).*/, "", name)
            }
            gsub(/\[[^]]*\]/, "", name)
            name = trim(name)
            sub(/.*[^A-Za-z0-9_]/, "", name)
            if (name != "") {
                var_line[name] = first
                var_end[name] = last
            }
            part = ""
            if (c != ",")
                break
        } else {
            part = part c
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

# out[1..outs]: the new file, owner[k] the functions or variables that line k
# defines (" a b"), stub_at[name] the index after which a stub's helper references go.
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
        for (name in var_line)
            if (var_line[name] <= i && i <= var_end[name])
                owner[outs] = owner[outs] " " name
        for (name in def_start) {
            if (def_start[name] != i)
                continue
            owner[outs] = " " name
            if (one_line[name] && (name in is_wanted)) {
                out[outs] = substr(line[i], 1, index(line[i], "{") - 1)
                sub(/[ \t]+$/, "", out[outs])
                out[++outs] = "{"
                owner[outs] = " " name
            }
            for (k = i + 1; k <= def_brace[name]; k++) {
                out[++outs] = line[k]
                owner[outs] = " " name
            }
            if (name in is_wanted) {
                count = split(def_params[name], params, " ")
                for (p = 1; p <= count; p++) {
                    out[++outs] = "    (void)" params[p] ";"
                    owner[outs] = " " name
                }
                stub_at[name] = outs
                out[++outs] = "    fprintf(stderr, \"" program ": TODO: implement " name " (see README.md)\\n\");"
                owner[outs] = " " name
                out[++outs] = "    exit(" status ");"
                owner[outs] = " " name
                out[++outs] = "}"
                owner[outs] = " " name
            } else {
                for (k = def_brace[name] + 1; k <= def_end[name]; k++) {
                    out[++outs] = line[k]
                    owner[outs] = " " name
                }
            }
            i = def_end[name]
        }
        if (i == last_include) {
            if (!has_stdio)
                out[++outs] = "#include <stdio.h>"
            if (!has_stdlib)
                out[++outs] = "#include <stdlib.h>"
        }
    }
}

# Sets unused[name] for every static function and variable that no line
# outside its own definition mentions. Comments, strings, preprocessor lines,
# struct members (after . or ->, and in a struct's declaration) do not count:
# taking a used helper for unused only adds a harmless (void) line.
function find_unused(   k, code, name, before, in_struct) {
    in_comment = 0
    in_struct = 0
    for (k = 1; k <= outs; k++) {
        code = strip(out[k])
        if (in_struct) {
            in_struct = code !~ /^\}/
            continue
        }
        if (code ~ /^(static[ \t]+|typedef[ \t]+)?(struct|union)[^=(]*\{[ \t]*$/) {
            in_struct = 1
            continue
        }
        if (code ~ /^[ \t]*#/)
            continue
        while (match(code, /[A-Za-z_][A-Za-z0-9_]*/)) {
            name = substr(code, RSTART, RLENGTH)
            before = substr(code, 1, RSTART - 1)
            code = substr(code, RSTART + RLENGTH)
            if (index(owner[k] " ", " " name " ") || before ~ /(\.|->)[ \t]*$/)
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

# Prints the new file. Each unused helper gets its "(void)NAME;" in the
# first stub after its definition whose function is itself used (main's, if
# there is none), so that the name is declared where it is mentioned.
function emit(   i, k, name, host, hosts, at, first) {
    for (i = 1; i <= lines; i++) {                      # in the file's order
        for (name in unused) {
            if (!((name in def_start) && def_start[name] == i) && !((name in var_line) && var_line[name] == i))
                continue
            host = ""
            for (k = 1; k <= wanted_count; k++)
                if (!(wanted[k] in unused) && def_start[wanted[k]] > i &&
                    (host == "" || def_start[wanted[k]] < def_start[host]))
                    host = wanted[k]
            if (host == "" && ("main" in stub_at))
                host = "main"
            if (host == "")
                printf "handout: %s: warning: %s is unused and no stub after it can mention it\n", ARGV[1], name > "/dev/stderr"
            else
                refs[stub_at[host]] = refs[stub_at[host]] "    (void)" name ";\n"
        }
    }
    for (k = 1; k <= outs; k++) {
        print out[k]
        if (k in refs)
            printf "    /* Not used until you write the code that calls them: */\n%s", refs[k]
    }
}
