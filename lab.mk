# lab.mk -- the build rules that every lab shares.
#
# A lab's Makefile is two lines:
#     include ../lab.mk
# Every NAME.c in the lab's folder that defines main() is one program, NAME.
# A .c without main() is a helper source: compiled once and linked into every
# program of the lab (CONTRACT.md, rule 1).
#
# Variables a user may set (on the command line or in the environment):
#   CC        the compiler (make CC=clang)
#   CFLAGS    optimisation and debugging (make CFLAGS=-O0); warnings are kept
#   CPPFLAGS  e.g. -DCHUNK=4096 to override a size from a lab's header
#   LDFLAGS   linker flags
#   STRICT=1  turn every warning into an error
#   OUT=DIR/  build into DIR/ instead of beside the sources (make sanitize)
#   HANDOUT=1 build what students get: the lines between #ifdef SOLUTION and
#             #else left out, the TODO stubs after #else in (grading/solution.awk)

# main() at the start of a line, after its return type or alone ("int\nmain(").
MAIN_PATTERN := ^(int[[:space:]]+)?main[[:space:]]*\(
PROGRAMS := $(patsubst %.c,%,$(shell grep -lE '$(MAIN_PATTERN)' *.c 2>/dev/null))
HELPERS  := $(filter-out $(addsuffix .c,$(PROGRAMS)),$(wildcard *.c))
BINARIES := $(addprefix $(OUT),$(PROGRAMS))
HELPER_OBJECTS := $(addprefix $(OUT),$(HELPERS:.c=.o))

CFLAGS   ?= -O2 -g
# Warnings live apart from CFLAGS, so that overriding CFLAGS never drops them.
WARNINGS := -std=c17 -Wall -Wextra -Wpedantic $(if $(STRICT),-Werror)
# The solutions, unless HANDOUT=1 is on make's command line (a HANDOUT in
# the environment is not for us).
SOLUTION_FLAG := $(if $(and $(HANDOUT),$(filter command line,$(origin HANDOUT))),,-DSOLUTION)
# -MMD -MP write a dependency file beside each binary: editing a header rebuilds its users.
DEPFLAGS  = -MMD -MP -MF $@.d

.PHONY: all clean demo bench stress
all: $(BINARIES)

$(OUT)%: %.c $(HELPER_OBJECTS)
	$(if $(OUT),@mkdir -p $(OUT))
	$(CC) $(WARNINGS) $(SOLUTION_FLAG) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(HELPER_OBJECTS) $(LDLIBS)

# Kept after the build (make deletes what only a pattern rule needed).
.SECONDARY: $(HELPER_OBJECTS)
$(OUT)%.o: %.c
	$(if $(OUT),@mkdir -p $(OUT))
	$(CC) $(WARNINGS) $(SOLUTION_FLAG) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# An out-of-tree build keeps each source beside its binary, as in the lab's own
# folder: a program may look beside itself for its source (popen_read) or its partner.
ifneq ($(OUT),)
all: $(addprefix $(OUT),$(wildcard *.c))
$(OUT)%.c: %.c
	@mkdir -p $(OUT)
	ln -sf $(abspath $<) $@
endif

# The lab's demo: build, then run demo.sh, which leaves nothing behind.
# Labs that measure speed or endure load add bench.sh and stress.sh beside it.
demo: all
	@./demo.sh
bench: all
	@./bench.sh
stress: all
	@./stress.sh

clean:
	rm -f $(BINARIES) $(HELPER_OBJECTS) $(addsuffix .d,$(BINARIES) $(HELPER_OBJECTS))

-include $(addsuffix .d,$(BINARIES) $(HELPER_OBJECTS))
