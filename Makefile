# ipc-labs -- top-level Makefile. `make help` lists the targets.
#
# Every lab is a folder NN-name with its own Makefile (which includes lab.mk).
# The labs are phony targets, so `make -j` builds them side by side and a lab
# that fails to build fails the whole build.

LABS := $(patsubst %/Makefile,%,$(sort $(wildcard [0-9][0-9]-*/Makefile)))

# Where out-of-tree sanitizer builds go.
SANITIZE_DIR  := build/sanitize
SANITIZE_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all $(LABS) clean clean-ipc test memcheck sanitize demo stress bench help \
        grade grade-all handout autograding gradescope test-grading

all: $(LABS)

$(LABS):
	$(MAKE) -C $@

# make test            the whole suite
# make test LAB=02     one lab's tests
# make test LAB=02 T=pipe_fork   only the tests whose names match T (a regex)
test: all
	tests/run $(if $(T),-f '$(T)') $(LAB)

# The suite again, with every program (children too) under valgrind.
memcheck: all
	IPC_LABS_VALGRIND=1 tests/run $(LAB)

# The suite against AddressSanitizer + UndefinedBehaviorSanitizer builds,
# kept in $(SANITIZE_DIR) so that they never mix with the normal binaries.
sanitize:
	for lab in $(LABS); do \
	    $(MAKE) -C $$lab OUT=$(CURDIR)/$(SANITIZE_DIR)/$$lab/ \
	        CFLAGS='$(SANITIZE_FLAGS)' LDFLAGS='-fsanitize=address,undefined' || exit 1; \
	done
	IPC_LABS_BIN=$(CURDIR)/$(SANITIZE_DIR) tests/run $(LAB)

# Build, then run every lab's demo with a heading each (a lab not written yet
# says so, and the next one runs).
demo:
	@$(MAKE) -s --no-print-directory all
	@tools/demo $(LABS)

# Long runs outside the test suite: every lab that has a stress.sh.
stress: all
	@for lab in $(LABS); do \
	    [ ! -f $$lab/stress.sh ] || $(MAKE) -s --no-print-directory -C $$lab stress || exit 1; \
	done

# Every IPC mechanism's throughput and round trip, side by side (08-bench):
# about a minute; make bench QUICK=1 takes a few seconds.
bench:
	@$(MAKE) -s --no-print-directory -C 08-bench bench QUICK=$(QUICK)

# Grading (see README.md, "Grading"): this copy's labs, tests, points
# (grading/points) and Makefiles grade a submission's programs; results (TAP,
# JUnit XML, results.json) in grading/results or RESULTS=DIR.
# make grade            every lab of this copy, Score: X/Y last      make grade LAB=02
# make grade SUBMISSION=DIR   a student's copy, graded with this kit
grade:
	@grading/grade $(if $(RESULTS),-o '$(RESULTS)') $(if $(SUBMISSION),-s '$(SUBMISSION)') $(LAB)

# make grade-all SUBMISSIONS=DIR [JOBS=N]   every folder in DIR, isolated, DIR/grades.csv
grade-all:
	@grading/grade-all -j '$(or $(JOBS),1)' '$(SUBMISSIONS)' $(LAB)

# make handout DEST=DIR   the students' copy, solutions replaced by TODO stubs
handout:
	@grading/handout '$(DEST)'

# make gradescope DEST=FILE.zip   the Gradescope autograder: setup.sh,
# run_autograder and the handout as its kit
gradescope:
	@grading/gradescope/make-zip '$(DEST)'

# Writes .github/workflows/classroom.yml: GitHub Classroom's autograding.
autograding:
	grading/autograding > .github/workflows/classroom.yml.new
	mv .github/workflows/classroom.yml.new .github/workflows/classroom.yml

# The grading kit's own tests (not part of make test).
test-grading:
	tests/run tests/grading.bats

# For clangd: records every compiler call of a clean build.
compile_commands.json: $(wildcard */*.c */*.h) lab.mk
	$(MAKE) clean
	bear --output $@ -- $(MAKE) all

clean:
	for lab in $(LABS); do $(MAKE) -C $$lab clean || exit 1; done
	rm -rf build

# Removes IPC objects and FIFOs that a crashed run of these labs left behind.
clean-ipc:
	tools/clean-ipc $(LABS)

help:
	@echo 'make              build every lab (make -C 02-pipe: one lab)'
	@echo 'make demo         build and run every lab, with a heading each'
	@echo 'make test         run the test suite (LAB=02: one lab)'
	@echo 'make memcheck     the suite with every program under valgrind'
	@echo 'make sanitize     the suite against ASan+UBSan builds'
	@echo 'make bench        measure every IPC mechanism side by side (QUICK=1: seconds)'
	@echo 'make grade        grade the labs: points per lab, Score: X/Y (LAB=02: one lab;'
	@echo '                  SUBMISSION=DIR: a student'"'"'s copy, with this kit)'
	@echo 'make grade-all SUBMISSIONS=DIR [JOBS=N]   grade every folder in DIR, isolated: DIR/grades.csv'
	@echo "make handout DEST=DIR   a students' copy, the solutions taken out"
	@echo 'make gradescope DEST=FILE.zip   the Gradescope autograder, with the handout as its kit'
	@echo 'make autograding  write .github/workflows/classroom.yml for GitHub Classroom'
	@echo "make test-grading run the grading kit's own tests"
	@echo 'make clean        remove what the build made'
	@echo 'make clean-ipc    remove IPC objects and FIFOs left by a crashed run'
	@echo 'make compile_commands.json   compilation database for clangd (needs bear)'
	@echo 'Options: CC=clang  CFLAGS=-O0  STRICT=1 (warnings are errors)'
