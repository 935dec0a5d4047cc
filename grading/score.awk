# grading/score.awk -- scores one lab's TAP against grading/points (run by grading/grade).
#
#   awk -f score.awk -v mode=check -v labs="01-popen 02-pipe" POINTS
#       checks POINTS; exits 2 on a line it cannot read, warns about unknown labs
#   awk -f score.awk -v mode=points -v labs="01-popen 02-pipe" POINTS
#       prints each lab's name and points
#   awk -f score.awk -v mode=json < TEXT
#       prints TEXT as a JSON string
#   awk -f score.awk -v lab=01-popen -v tap=FILE -v out=PREFIX [-v builds=FILE]
#                    [-v note=TEXT] [-v seconds=N] POINTS
#       prints the lab's line (tests passed/total, points) and writes
#       PREFIX.score ("points max line", points in hundredths), PREFIX.json
#       (its tests as Gradescope objects) and PREFIX.xml (a JUnit <testsuite>).
#       TAP lines may carry bats --timing's " in 12ms"; builds: what the
#       compiler said about the lab's programs that did not build, added to
#       the output of each of the lab's failing tests.
#
# The points file's rules (see grading/points):
#   LAB POINTS                  TEST NAME = POINTS          default POINTS
#   proportional TEST-PATTERN   such a test earns its points in proportion to
#                               the lab's other tests that passed
#   visibility WHEN TEST-PATTERN    Gradescope's visibility of those tests:
#                               visible, hidden, after_due_date, after_published
# A TEST-PATTERN is a test name in which * stands for any text.
# A skipped test earns nothing: it is worth 0 points, and its share goes to
# the lab's other tests.
#
# Points are kept in hundredths, so that splitting 100 over 14 tests gives
# 7.15 six times and 7.14 eight times, adding up to exactly 100.
# Runs under any POSIX awk (mawk included), byte by byte: use LC_ALL=C.

BEGIN {
    default_points = 10000
    for (i = 1; i < 256; i++)
        code[sprintf("%c", i)] = i
    output_limit = 8000             # bytes of a test's output kept in the results
    rules = 0
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

# A test pattern (* for any text) as an anchored regular expression.
function pattern(text,   r, i, c) {
    r = ""
    for (i = 1; i <= length(text); i++) {
        c = substr(text, i, 1)
        if (c == "*")
            r = r ".*"
        else if (index("\\^$.[]|()+?{}/", c))
            r = r "\\" c
        else
            r = r c
    }
    return "^" r "$"
}

# The last rule of KIND whose pattern matches the test name; 0 if none.
function rule_for(kind, test,   i, found) {
    found = 0
    for (i = 1; i <= rules; i++)
        if (rule_kind[i] == kind && test ~ rule_pattern[i])
            found = i
    return found
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
    } else if ($1 == "proportional" && NF >= 2) {
        rule_kind[++rules] = "proportional"
        rule_pattern[rules] = pattern(trim(substr(line, length($1) + 2)))
    } else if ($1 == "visibility" && NF >= 3) {
        if ($2 !~ /^(visible|hidden|after_due_date|after_published)$/) {
            printf "grade: %s: visibility is one of visible, hidden, after_due_date, after_published, not '%s'\n", where, $2 > "/dev/stderr"
            bad = 1
        }
        rule_kind[++rules] = "visibility"
        rule_value[rules] = $2
        rest = trim(substr(line, index(line, $2) + length($2)))
        rule_pattern[rules] = pattern(rest)
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

# Fills name[], passed[], skipped[], output[] and took[] (seconds) for tests
# 1..tests, from bats' TAP. Tests that the plan announced but that never
# reported (the run was stopped or crashed) fail, with what is known.
function read_tap(   line, rest, number, reported, i, built) {
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
            skipped[number] = 0
            output[number] = ""
            if (match(rest, / # skip( .*)?$/)) {
                skipped[number] = 1
                passed[number] = 0
                why = substr(rest, RSTART + 8)
                output[number] = "Skipped, so worth 0 points (its share goes to the lab's other tests)" \
                    (why != "" ? ": " why : "") ".\n"
                rest = substr(rest, 1, RSTART - 1)
            } else if (match(rest, / # timeout after [0-9]+s$/)) {
                output[number] = "timed out after " substr(rest, RSTART + 17) "\n"
                rest = substr(rest, 1, RSTART - 1)
            }
            if (match(rest, / in [0-9]+ms$/)) {     # bats --timing
                took[number] = substr(rest, RSTART + 4, RLENGTH - 6) / 1000
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
            skipped[i] = 0
            output[i] = "The lab's test run stopped before this test finished"
            output[i] = output[i] (note != "" ? " (" note ")" : "") ".\n"
        }
    }
    if (tests == 0) {                       # bats did not even start
        tests = 1
        name[1] = lab ": the tests ran"
        passed[1] = 0
        skipped[1] = 0
        output[1] = "The lab's tests did not run" (note != "" ? " (" note ")" : "") ".\n"
    }
    built = ""
    if (builds != "") {
        while ((getline line < builds) > 0)
            built = built line "\n"
        close(builds)
    }
    for (i = 1; i <= tests; i++) {
        if (!(i in took))
            took[i] = 0
        if (!passed[i] && !skipped[i] && built != "")
            output[i] = built "\n" output[i]
    }
}

# The one line that says why test i failed: the broken rule, or the partner
# that ended early, or the failing check; with a handout stub's "not written
# yet" message if there is one.
function reason(i,   n, k, text, l, best, rank, r, todo) {
    if (passed[i])
        return ""
    n = split(output[i], text, "\n")
    best = ""
    rank = 9
    todo = ""
    for (k = 1; k <= n; k++) {
        l = text[k]
        sub(/^[ \t]+/, "", l)
        if (l == "" || l ~ /^\((in|from) (test file|function)/ || l ~ /^in test file/ || l ~ /^--/)
            continue
        r = 5
        if (l ~ /^Broken rule/)
            r = 1
        else if (l ~ /^The background program/)
            r = 2
        else if (l ~ /not built: /)
            r = 2
        else if (l ~ /^`.*' failed/)
            r = 3
        if (l ~ /not written yet/ && todo == "")
            todo = l
        if (r < rank) {
            rank = r
            best = l
        }
    }
    if (best == "")
        best = "failed"
    if (todo != "" && index(best, "not written yet") == 0)
        best = best " -- " todo
    return best
}

# ---------------------------------------------------------------- points

# max[i]: the test's own points if it has some, else an even share of what
# the others leave of the lab's points; a skipped test is worth 0. score[i]:
# max[i] if it passed, 0 if not; a proportional test's score is scaled by the
# share of the lab's other (not proportional, not skipped) tests that passed.
function assign_points(   total, given, others, share, extra, i, n, counted, won) {
    total = (lab in lab_points) ? lab_points[lab] : default_points
    given = 0
    others = 0
    for (i = 1; i <= tests; i++) {
        if (skipped[i]) {
            max[i] = 0
            continue
        }
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
    counted = 0
    won = 0
    for (i = 1; i <= tests; i++) {
        if (!skipped[i] && !(name[i] in test_points)) {
            max[i] = share + (extra > 0)
            extra--
        }
        scaled[i] = !skipped[i] && rule_for("proportional", name[i])
        if (!skipped[i] && !scaled[i]) {
            counted++
            won += passed[i]
        }
    }
    lab_max = 0
    lab_score = 0
    lab_passed = 0
    lab_skipped = 0
    for (i = 1; i <= tests; i++) {
        score[i] = passed[i] ? max[i] : 0
        if (scaled[i] && passed[i]) {
            score[i] = counted ? int(max[i] * won / counted) : max[i]
            if (score[i] < max[i])
                output[i] = sprintf("Passed, worth %s of its %s points: it earns in proportion to the lab's other tests that passed (%d of %d).\n",
                                    shown(score[i]), shown(max[i]), won, counted) output[i]
        }
        lab_max += max[i]
        lab_score += score[i]
        lab_passed += passed[i]
        lab_skipped += skipped[i]
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

function write_results(   i, failures, line, counted, status, rule, visibility, tags, lab_number) {
    counted = tests - lab_skipped
    line = sprintf("%-20s %7s tests %11s points", lab, lab_passed "/" counted, shown(lab_score) "/" shown(lab_max))
    if (lab_skipped)
        line = line "  (" lab_skipped " skipped, worth 0)"
    if (note != "")
        line = line "  (" note ")"
    print line
    print lab_score, lab_max, line > (out ".score")

    lab_number = lab
    sub(/-.*/, "", lab_number)
    lab_number = lab_number + 0
    for (i = 1; i <= tests; i++) {
        rule = rule_for("visibility", name[i])
        visibility = rule ? rule_value[rule] : "visible"
        tags = json(lab) (skipped[i] ? ", \"skipped\"" : "") (scaled[i] ? ", \"proportional\"" : "")
        printf "%s    {\"name\": %s, \"number\": \"%d.%d\", \"score\": %s, \"max_score\": %s, \"status\": \"%s\", \"visibility\": \"%s\", \"tags\": [%s], \"extra_data\": {\"execution_time\": %s, \"skipped\": %s}, \"output\": %s}",
            (i > 1 ? ",\n" : ""), json(name[i]), lab_number, i, shown(score[i]), shown(max[i]),
            (passed[i] ? "passed" : "failed"), visibility, tags, took[i] + 0,
            (skipped[i] ? "true" : "false"), json(cut(output[i])) > (out ".json")
        failures += !passed[i] && !skipped[i]
    }
    close(out ".json")

    printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%s\">\n",
        xml(lab), tests, failures, lab_skipped, seconds + 0 > (out ".xml")
    for (i = 1; i <= tests; i++) {
        printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%s\"", xml(lab), xml(name[i]), took[i] + 0 > (out ".xml")
        if (skipped[i])
            printf ">\n      <skipped message=\"%s\"/>\n    </testcase>\n", xml(substr(output[i], 1, length(output[i]) - 1)) > (out ".xml")
        else if (passed[i])
            printf "/>\n" > (out ".xml")
        else
            printf ">\n      <failure message=\"%s\">%s</failure>\n    </testcase>\n",
                xml(reason(i) " (after " (took[i] + 0) " s)"), xml(cut(output[i])) > (out ".xml")
    }
    printf "  </testsuite>\n" > (out ".xml")
}
