# grading/solution.awk -- reads the solution markers of a lab source (run by
# grading/handout and by the grading kit's tests).
#
#   awk -f solution.awk -v part=handout  FILE.c   the file as students get it
#   awk -f solution.awk -v part=solution FILE.c   only the marked lines
#
# A marked block is plain C, so that the repository builds both forms (lab.mk
# defines SOLUTION; make HANDOUT=1 does not):
#
#   #ifdef SOLUTION
#       the lines a student writes                 <- the solution
#   #else
#       a TODO comment: what to write, which test
#       a stub that fails fast                     <- the handout
#   #endif
#
# The handout keeps the #else part without the three directive lines; a block
# without #else leaves nothing. Other #if lines inside a block nest as usual.
# Exits 1, naming the line, if a block is not closed.

BEGIN {
    if (part != "handout" && part != "solution") {
        print "solution.awk: part must be handout or solution" > "/dev/stderr"
        exit 2
    }
}

!inside && /^[ \t]*#[ \t]*ifdef[ \t]+SOLUTION[ \t]*$/ {
    inside = 1; in_else = 0; nested = 0; opened = FNR
    next
}

!inside {
    if (part == "handout")
        print
    next
}

/^[ \t]*#[ \t]*if/ { nested++ }

/^[ \t]*#[ \t]*endif/ {
    if (nested == 0) { inside = 0; next }
    nested--
}

/^[ \t]*#[ \t]*else/ && nested == 0 { in_else = 1; next }

{
    if ((in_else && part == "handout") || (!in_else && part == "solution"))
        print
}

END {
    if (inside) {
        printf "%s:%d: #ifdef SOLUTION is never closed by #endif\n", FILENAME, opened > "/dev/stderr"
        exit 1
    }
}
