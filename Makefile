# shm-labs - top-level Makefile.  `make help` lists the targets.
#
# Each lab is a folder labs/NN-topic/ with a lab.mk that sets
#   TITLE := one-line title            (shown by `make list`)
#   PROGS := prog1 prog2               (each built from labs/NN-topic/PROG.c)
#   UNITS := helper.c                  (optional: linked into every PROG)
# and a demo.sh that `make lab-N` runs.  Programs land in build/NN-topic/.
# Lab 17 is the kernel driver in driver-lab/ (see driver-lab/Makefile).

SHELL    := /bin/bash
CC       ?= gcc
BUILD    ?= build
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
LDLIBS   := -pthread -lrt
ifeq ($(WERROR),1)
WARN     += -Werror
endif
ifeq ($(SANITIZE),1)
BUILD    := build/sanitize
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Icommon -MMD -MP

LABS := $(sort $(patsubst labs/%/lab.mk,%,$(wildcard labs/*/lab.mk)))
num   = $(firstword $(subst -, ,$(1)))

.PHONY: all list help test clean clean-ipc lint grade driver lab-17 todo submit
all:

# ---- one block of rules per lab ------------------------------------------
define LAB_RULES
TITLE :=
PROGS :=
UNITS :=
include labs/$(1)/lab.mk
TITLE_$(1) := $$(TITLE)
BINS_$(1) := $$(addprefix $(BUILD)/$(1)/,$$(PROGS))
UOBJ_$(1) := $$(patsubst %.c,$(BUILD)/$(1)/%.o,$$(UNITS))
all: $$(BINS_$(1))
$$(sort lab-$(call num,$(1)) lab-$(patsubst 0%,%,$(call num,$(1)))): $$(BINS_$(1))
	@SHMLABS_BUILD=$(abspath $(BUILD)) scripts/run-demo labs/$(1)
$$(BINS_$(1)): $(BUILD)/$(1)/%: $(BUILD)/$(1)/%.o $$(UOBJ_$(1)) $(BUILD)/common/shmlabs.o
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
$(BUILD)/$(1)/%.o: labs/$(1)/%.c | $(BUILD)/$(1)
	$$(CC) $$(ALL_CFLAGS) -c -o $$@ $$<
$(BUILD)/$(1):
	@mkdir -p $$@
endef
$(foreach l,$(LABS),$(eval $(call LAB_RULES,$(l))))

$(BUILD)/common/shmlabs.o: common/shmlabs.c common/shmlabs.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The self-test of common/ (tests/suite.bats).
$(BUILD)/common/common_selftest: tests/common_selftest.c $(BUILD)/common/shmlabs.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- lab 17: the memdev driver, run inside QEMU ---------------------------
TITLE_17 := memdev: a kernel buffer mapped into user space (driver-lab/)
lab-17: # driver-lab's demo target builds what it needs first
	@$(MAKE) --no-print-directory -C driver-lab demo HOST=$(HOST)
driver:
	@$(MAKE) --no-print-directory -C driver-lab HOST=$(HOST)

# ---- information ----------------------------------------------------------
list:
	@$(foreach l,$(LABS),printf '%3s  %-28s %s\n' '$(patsubst 0%,%,$(call num,$(l)))' '$(l)' '$(subst ','\'',$(TITLE_$(l)))';)
	@if [ -d driver-lab ]; then printf '%3s  %-28s %s\n' 17 driver-lab '$(TITLE_17)'; fi

help:
	@echo 'make               build every lab into $(BUILD)/'
	@echo 'make lab-N         build lab N and run its narrated demo (also lab-0N)'
	@echo 'make lab-17 HOST=1 build the driver for the running kernel and load it (sudo)'
	@echo 'make lab-17 VM_KERNEL=6.12  lab 17 in QEMU on kernel 6.12 (also: make test LAB=17 VM_KERNEL=6.12)'
	@echo 'make list          number, folder and title of every lab'
	@echo 'make test [LAB=N]  run the bats suite (installs what is missing first)'
	@echo 'make SANITIZE=1 test  the same with ASan+UBSan builds in build/sanitize/'
	@echo 'make WERROR=1      build with -Werror, as CI does'
	@echo 'make lint          cppcheck and the clang-format check'
	@echo 'make clean         remove build/ and dist/'
	@echo 'make clean-ipc     remove leftover shm/sem/mq/SysV objects of this suite'
	@echo 'make todo          the exercises still to do: file:line, points, tests'
	@echo 'make grade [LAB=N] run the suite with points: Score X/Y, reports in $(BUILD)/grade/'
	@echo 'make submit        pack your exercise files and ANSWERS.md into dist/submission-USER.tar.gz'
# BEGIN INSTRUCTOR ONLY
	@echo 'make handout       the student tree in dist/handout/ and a tarball'
	@echo 'make gradescope    the Gradescope autograder bundle: dist/gradescope.zip'
	@echo 'make test-tools    test the instructor tooling (handout, grade)'
# END INSTRUCTOR ONLY

# The exercises left to do, and the hand-in (scripts/todo, scripts/submit).
todo:
	@scripts/todo

submit:
	@scripts/submit

# ---- tests ----------------------------------------------------------------
LAB_DIR    = $(if $(LAB),$(filter $(shell printf %02d $(LAB))-%,$(LABS)))
TEST_FILES = $(if $(LAB),$(wildcard tests/$(shell printf %02d $(LAB))-*.bats),tests/suite.bats $(wildcard tests/[0-9][0-9]-*.bats))

# `make test LAB=N` builds only lab N, so one lab's tests never wait on another.
test: $(if $(LAB),$(BINS_$(LAB_DIR)),all $(BUILD)/common/common_selftest)
	@scripts/setup --check >/dev/null 2>&1 || scripts/setup
	@if [ -n "$(LAB)" ] && [ -z "$(TEST_FILES)" ]; then \
		echo "no tests for lab $(LAB)" >&2; exit 2; fi
	SHMLABS_BUILD=$(abspath $(BUILD)) SHMLABS_SANITIZE=$(SANITIZE) VM_KERNEL=$(VM_KERNEL) \
		BATS_FLAGS='$(BATS_FLAGS)' scripts/run-tests $(TEST_FILES)

# BEGIN INSTRUCTOR ONLY
# The instructor tooling (handout, grade): slow, as it grades whole trees.
# (Instructor-only parts of this Makefile are left out of the student tree.)
.PHONY: test-tools
test-tools: all
	@scripts/setup --check >/dev/null 2>&1 || scripts/setup
	SHMLABS_BUILD=$(abspath $(BUILD)) BATS_FLAGS='$(BATS_FLAGS)' \
		scripts/run-tests tests/instructor.bats tests/grading.bats
# END INSTRUCTOR ONLY

# ---- housekeeping ---------------------------------------------------------
clean:
	rm -rf build dist
	@if [ -d driver-lab ]; then $(MAKE) --no-print-directory -C driver-lab clean; fi

clean-ipc:
	@scripts/clean-ipc

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find common labs driver-lab -name '*.[ch]')
KERNEL_SOURCES = $(addprefix driver-lab/,memdev.h memdev_kernel.h memdev_main.c memdev_mmap.c)
USER_SOURCES = $(filter-out $(KERNEL_SOURCES),$(C_SOURCES))

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE -Icommon \
		--suppress=missingIncludeSystem $(USER_SOURCES)
	clang-format --dry-run --Werror $(USER_SOURCES)

# BEGIN INSTRUCTOR ONLY
.PHONY: handout
handout:
	@scripts/handout

# END INSTRUCTOR ONLY
# `make grade LAB=N` reports into $(BUILD)/grade/lab-N/, so it never replaces
# the reports of a full `make grade` in $(BUILD)/grade/.
grade:
	@scripts/grade $(if $(LAB),--lab $(LAB) --out $(BUILD)/grade/lab-$(patsubst 0%,%,$(LAB)))

# BEGIN INSTRUCTOR ONLY
.PHONY: gradescope
gradescope:
	@scripts/gradescope/make-bundle
# END INSTRUCTOR ONLY
