# grading/score.awk -- scores one lab's TAP against grading/points (run by grading/grade).
#
#   awk -f score.awk -v mode=check -v labs="01-popen 02-pipe" POINTS
#       checks POINTS; exits 2 on a line it cannot read, warns about unknown labs
#   awk -f score.awk -v mode=points -v labs="01-popen 02-pipe" POINTS
#       prints each lab's name and points
#   awk -f score.awk -v mode=json < TEXT
#       prints TEXT as a JSON string
#   awk -f score.awk -v lab=01-popen -v tap=FILE -v out=PREFIX [-v note=TEXT] POINTS
#       prints the lab's line (tests passed/total, points) and writes
#       PREFIX.score ("points max", in hundredths), PREFIX.json (its tests as
#       Gradescope objects) and PREFIX.xml (a JUnit <testsuite>)
#
# Points are kept in hundredths, so that splitting 100 over 14 tests gives
# 7.15 six times and 7.14 eight times, adding up to exactly 100.
# Runs under any POSIX awk (mawk included), byte by byte: use LC_ALL=C.

BEGIN {
    default_points = 10000
    for (i = 1; i < 256; i++)
        code[sprintf("%c", i)] = i
    output_limit = 8000             # bytes of a test's output kept in the results
}

# ---------------------------------------------------------------- points file

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

function hundredths(text, where) {
    if (text !~ /^[0-9]+(\.[0-9][0-9]?)?$/) {
        printf "grade: %s: '%s' is not a number of points (like 100 or 12.5)\n", where, text > "/dev/stderr"
        bad = 1
        return 0
    }
    return int(text * 100 + 0.5)
}

mode == "json" {
    text = text (NR > 1 ? "\n" : "") $0
    next
}

{
    line = trim($0)
    if (line == "" || line ~ /^#/)
        next
    sub(/[ \t]+#.*$/, "", line)            # a comment after the rule
    $0 = line
    where = FILENAME ":" FNR
    if (index(line, " = ") > 0) {           # TEST NAME = POINTS
        test = line
        sub(/ = [^=]*$/, "", test)
        value = line
        sub(/.* = /, "", value)
        test_points[trim(test)] = hundredths(trim(value), where)
        test_line[trim(test)] = where
    } else if (NF == 2 && $1 == "default") {
        default_points = hundredths($2, where)
    } else if (NF == 2) {
        lab_points[$1] = hundredths($2, where)
        lab_line[$1] = where
    } else {
        printf "grade: %s: expected 'LAB POINTS', 'default POINTS' or 'TEST NAME = POINTS'\n", where > "/dev/stderr"
        bad = 1
    }
}

END {
    if (bad)
        exit 2
    if (mode == "json") {
        printf "%s", json(text)
        exit 0
    }
    if (mode == "check") {
        count = split(labs, known, " ")
        for (l in lab_points) {
            found = 0
            for (i = 1; i <= count; i++)
                if (known[i] == l)
                    found = 1
            if (!found)
                printf "grade: %s: warning: no lab named %s\n", lab_line[l], l > "/dev/stderr"
        }
        exit 0
    }
    if (mode == "points") {
        count = split(labs, known, " ")
        for (i = 1; i <= count; i++)
            print known[i], shown(known[i] in lab_points ? lab_points[known[i]] : default_points)
        exit 0
    }
    read_tap()
    assign_points()
    write_results()
}

# ---------------------------------------------------------------- TAP

# Fills name[], passed[], output[] for tests 1..tests, from bats' TAP.
# Tests that the plan announced but that never reported (the run was
# stopped or crashed) fail, with what is known.
function read_tap(   line, rest, number, reported, i) {
    tests = 0
    planned = -1
    while ((getline line < tap) > 0) {
        if (line ~ /^1\.\.[0-9]+$/) {
            planned = substr(line, 4) + 0
            continue
        }
        if (line ~ /^(not )?ok [0-9]+/) {
            rest = line
            sub(/^(not )?ok /, "", rest)
            number = rest + 0
            sub(/^[0-9]+ ?/, "", rest)
            if (number > tests)
                tests = number
            reported[number] = 1
            passed[number] = line ~ /^ok /
            output[number] = ""
            if (match(rest, / # skip( .*)?$/)) {
                output[number] = "skipped" substr(rest, RSTART + 7) " (counted as passed)\n"
                rest = substr(rest, 1, RSTART - 1)
            } else if (match(rest, / # timeout after [0-9]+s$/)) {
                output[number] = "timed out after " substr(rest, RSTART + 17) "\n"
                rest = substr(rest, 1, RSTART - 1)
            }
            name[number] = rest
            current = number
            continue
        }
        if (current) {
            sub(/^# ?/, "", line)
            output[current] = output[current] line "\n"
        }
    }
    close(tap)
    if (planned > tests)
        tests = planned
    for (i = 1; i <= tests; i++) {
        if (!(i in reported)) {
            name[i] = lab ": test " i " did not report"
            passed[i] = 0
            output[i] = "The lab's test run stopped before this test finished"
            output[i] = output[i] (note != "" ? " (" note ")" : "") ".\n"
        }
    }
    if (tests == 0) {                       # bats did not even start
        tests = 1
        name[1] = lab ": the tests ran"
        passed[1] = 0
        output[1] = "The lab's tests did not run" (note != "" ? " (" note ")" : "") ".\n"
    }
}

# ---------------------------------------------------------------- points

# max[i]: the test's own points if it has some, else an even share of what
# the others leave of the lab's points.
function assign_points(   total, given, others, share, extra, i, n) {
    total = (lab in lab_points) ? lab_points[lab] : default_points
    given = 0
    others = 0
    for (i = 1; i <= tests; i++) {
        if (name[i] in test_points) {
            max[i] = test_points[name[i]]
            given += max[i]
            seen[name[i]] = 1
        } else {
            others++
        }
    }
    for (n in test_points)
        if (index(n, lab ": ") == 1 && !(n in seen))
            printf "grade: %s: warning: no test named '%s'\n", test_line[n], n > "/dev/stderr"
    if (given > total) {
        printf "grade: %s: warning: its tests' own points add up to more than the lab's %s\n", lab, shown(total) > "/dev/stderr"
        given = total
    }
    share = others ? int((total - given) / others) : 0
    extra = others ? (total - given) - share * others : 0
    lab_max = 0
    lab_score = 0
    lab_passed = 0
    for (i = 1; i <= tests; i++) {
        if (!(name[i] in test_points)) {
            max[i] = share + (extra > 0)
            extra--
        }
        score[i] = passed[i] ? max[i] : 0
        lab_max += max[i]
        lab_score += score[i]
        lab_passed += passed[i]
    }
}

# 1250 -> "12.5", 10000 -> "100"
function shown(h,   text) {
    if (h % 100 == 0)
        return sprintf("%d", h / 100)
    text = sprintf("%d.%02d", int(h / 100), h % 100)
    sub(/0$/, "", text)
    return text
}

# ---------------------------------------------------------------- results

# A test's output, cut to output_limit bytes, never inside a UTF-8 character.
function cut(s,   n) {
    if (length(s) <= output_limit)
        return s
    n = output_limit
    while (n > 0 && code[substr(s, n + 1, 1)] >= 128 && code[substr(s, n + 1, 1)] < 192)
        n--
    return substr(s, 1, n) "\n[output cut at " output_limit " bytes]\n"
}

# s as a JSON string literal.
function json(s,   i, c, r) {
    r = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"")
            r = r "\\" c
        else if (c == "\n")
            r = r "\\n"
        else if (c == "\t")
            r = r "\\t"
        else if (c == "\r")
            r = r "\\r"
        else if (code[c] < 32 || code[c] == 127)
            r = r sprintf("\\u%04x", code[c])
        else
            r = r c
    }
    return "\"" r "\""
}

# s as XML text or attribute value; control characters, which XML 1.0
# cannot carry at all, become '?'.
function xml(s,   i, c, r) {
    r = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "&")
            r = r "&amp;"
        else if (c == "<")
            r = r "&lt;"
        else if (c == ">")
            r = r "&gt;"
        else if (c == "\"")
            r = r "&quot;"
        else if (c == "\n" || c == "\t")
            r = r c
        else if (code[c] < 32)
            r = r "?"
        else
            r = r c
    }
    return r
}

function write_results(   i, failures, skipped, line) {
    line = sprintf("%-20s %7s tests %11s points", lab, lab_passed "/" tests, shown(lab_score) "/" shown(lab_max))
    if (note != "")
        line = line "  (" note ")"
    print line
    print lab_score, lab_max, line > (out ".score")

    for (i = 1; i <= tests; i++) {
        printf "%s    {\"name\": %s, \"score\": %s, \"max_score\": %s, \"status\": \"%s\", \"output\": %s}",
            (i > 1 ? ",\n" : ""), json(name[i]), shown(score[i]), shown(max[i]),
            (passed[i] ? "passed" : "failed"), json(cut(output[i])) > (out ".json")
        failures += !passed[i]
        skipped += output[i] ~ /^skipped/
    }
    close(out ".json")

    printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%s\">\n",
        xml(lab), tests, failures, skipped, seconds + 0 > (out ".xml")
    for (i = 1; i <= tests; i++) {
        printf "    <testcase classname=\"%s\" name=\"%s\"", xml(lab), xml(name[i]) > (out ".xml")
        if (passed[i] && output[i] ~ /^skipped/)
            printf ">\n      <skipped message=\"%s\"/>\n    </testcase>\n", xml(output[i]) > (out ".xml")
        else if (passed[i])
            printf "/>\n" > (out ".xml")
        else
            printf ">\n      <failure message=\"failed\">%s</failure>\n    </testcase>\n", xml(cut(output[i])) > (out ".xml")
    }
    printf "  </testsuite>\n" > (out ".xml")
}
